from django.db import models
from django.utils import timezone

from profiles.models import Profile


class Introduction(models.Model):
    """A double-opt-in introduction between two members.

    The pair is stored ordered (member_a has the lower id) so that a pair has one
    spelling and the database can refuse a second open intro for it.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        OFFERED = "offered", "Offered"
        ACCEPTED_ONE = "accepted_one", "Accepted by one"
        CONNECTED = "connected", "Connected"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATES = (State.PROPOSED, State.OFFERED, State.ACCEPTED_ONE)

    member_a = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="intros_as_a"
    )
    member_b = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="intros_as_b"
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    score = models.FloatField(default=0.0)
    explanation = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why we think they should meet: shared tags and complementary goals. "
        "Shared sensitive tags are kept apart until both accepted.",
    )

    class Response(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    a_response = models.CharField(max_length=8, choices=Response.choices, blank=True)
    b_response = models.CharField(max_length=8, choices=Response.choices, blank=True)
    a_responded_at = models.DateTimeField(null=True, blank=True)
    b_responded_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intros_requested",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_a__lt=models.F("member_b")),
                name="intro_pair_ordered",
            ),
            models.UniqueConstraint(
                fields=["member_a", "member_b"],
                condition=models.Q(state__in=["proposed", "offered", "accepted_one"]),
                name="intro_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["member_b", "member_a"])]

    def __str__(self) -> str:
        return f"Intro #{self.pk}: {self.member_a} & {self.member_b} ({self.state})"
