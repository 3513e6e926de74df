"""An introduction between two members, from proposal to its close."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from profiles.models import Profile

from ..components import COLUMNS as COMPONENT_COLUMNS
from ..components import ScoreComponents


class MemberGone(Exception):
    """An introduction's member deleted their account."""


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

    # A deleted member leaves NULL here: the other side keeps the history and sees
    # "a former member".
    member_a = models.ForeignKey(
        Profile, null=True, on_delete=models.SET_NULL, related_name="intros_as_a"
    )
    member_b = models.ForeignKey(
        Profile, null=True, on_delete=models.SET_NULL, related_name="intros_as_b"
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    score = models.FloatField(default=0.0)
    # The parts of the score (introductions.components.ScoreComponents), set by
    # the round that proposed the intro; NULL for a requested intro or one from
    # before they were stored. Columns, so that calibration and the weight fit
    # are plain SQL.
    component_interest = models.FloatField(
        null=True,
        blank=True,
        help_text="Shared interests: cosine of the IDF-weighted interests, 0 to 1.",
    )
    component_goal_units = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Complementary goals on topic, in quarters of a kind.",
    )
    component_cross_specialty = models.BooleanField(
        null=True, blank=True, help_text="Different specialties."
    )
    component_prefers_other = models.BooleanField(
        null=True,
        blank=True,
        help_text="Either member asked to prefer other specialties.",
    )
    component_windows_overlap = models.BooleanField(
        null=True, blank=True, help_text="A call fits inside both call windows."
    )
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

    class DeclineReason(models.TextChoices):
        NOT_NOW = "not_now", "Not the right time"
        NOT_MY_FIELD = "not_my_field", "Not my field"
        TOO_BUSY = "too_busy", "Too busy for calls at the moment"
        OTHER = "other", "Another reason"
        # Set by Grapevyne, never chosen by a member: their address bounced.
        UNDELIVERABLE = "undeliverable", "Email undeliverable (set by Grapevyne)"

    MEMBER_DECLINE_REASONS = (
        DeclineReason.NOT_NOW,
        DeclineReason.NOT_MY_FIELD,
        DeclineReason.TOO_BUSY,
        DeclineReason.OTHER,
    )

    # Seen only by admins and the matching engine, never by the other member.
    a_decline_reason = models.CharField(
        max_length=16, choices=DeclineReason.choices, blank=True
    )
    b_decline_reason = models.CharField(
        max_length=16, choices=DeclineReason.choices, blank=True
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Answers are due by then; a decline is told to the other side "
        "only at this moment, as if the offer had simply expired.",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_notice_at = models.DateTimeField(null=True, blank=True)
    follow_up_at = models.DateTimeField(null=True, blank=True)
    call_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    proposed_slots = models.JSONField(
        default=list,
        blank=True,
        help_text="Start times (UTC, ISO 8601) proposed for the first call.",
    )
    requested_by = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intros_requested",
    )
    note = models.TextField(
        blank=True,
        max_length=600,
        help_text="The requester's note, shown in the offer of a requested intro.",
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
        indexes = [
            models.Index(fields=["member_b", "member_a"]),
            # The insights rollup finds what changed since its last run, and
            # recomputes a week's intros, along these.
            models.Index(fields=["updated_at"], name="intro_updated_idx"),
            models.Index(fields=["created_at"], name="intro_created_idx"),
        ]

    def __str__(self) -> str:
        # A deleted member leaves NULL: say so rather than "None".
        a = self.member_a or "a former member"
        b = self.member_b or "a former member"
        return f"Intro #{self.pk}: {a} & {b} ({self.state})"

    @classmethod
    def looks_open(cls) -> models.Q:
        """Intros at least one member still sees as open: the open states, and a
        declined intro whose other side has not been told yet (to them it is an
        offer waiting for answers until the deadline). Whatever closes an open
        intro early (a block, a suspension) must close these too, or the other
        side could tell a decline from silence."""
        return models.Q(state__in=cls.OPEN_STATES) | models.Q(
            state=cls.State.DECLINED, closed_notice_at__isnull=True
        )

    @property
    def components(self) -> ScoreComponents | None:
        return ScoreComponents.from_columns(
            {name: getattr(self, name) for name in COMPONENT_COLUMNS}
        )

    def side_of(self, member: Profile) -> str:
        """ "a" or "b"; ValueError when the member is not part of this intro."""
        if member.pk == self.member_a_id:
            return "a"
        if member.pk == self.member_b_id:
            return "b"
        raise ValueError(f"Profile {member.pk} is not part of intro {self.pk}")

    @staticmethod
    def pair(one: Profile | int, other: Profile | int) -> models.Q:
        """Intros between these two members, whichever one is member_a."""
        return models.Q(member_a=one, member_b=other) | models.Q(
            member_a=other, member_b=one
        )

    @staticmethod
    def pair_with(member: Profile | int) -> models.Q:
        """Intros this member is part of, on either side."""
        return models.Q(member_a=member) | models.Q(member_b=member)

    def other_member(self, member: Profile) -> Profile | None:
        """The other side, None when that member deleted their account."""
        return self.member_b if self.side_of(member) == "a" else self.member_a

    def response_of(self, member: Profile) -> str:
        return getattr(self, f"{self.side_of(member)}_response")

    def members(self) -> tuple[Profile | None, Profile | None]:
        return (self.member_a, self.member_b)

    def both_members(self) -> tuple[Profile, Profile]:
        """member_a and member_b, for what needs both (an offer, a connection):
        MemberGone when one of them deleted their account."""
        if self.member_a is None or self.member_b is None:
            raise MemberGone(f"A member of intro {self.pk} deleted their account")
        return self.member_a, self.member_b

    def counterpart(self, member: Profile) -> Profile:
        """The other side, for what needs both members (see both_members)."""
        a, b = self.both_members()
        return b if self.side_of(member) == "a" else a

    def deadline_for(self, member: Profile) -> datetime | None:
        """The answer deadline on this member's own clock.

        Every page and email shows the deadline's date from here, so that the
        dashboard, the page after answering and the offer email agree on the day.
        """
        if self.expires_at is None:
            return None
        return self.expires_at.astimezone(ZoneInfo(member.time_zone or "UTC"))

    def can_answer(self, member: Profile, now) -> bool:
        """May this member still accept or decline?

        Also true, on purpose, when the *other* member declined: until the deadline
        that must look exactly like an offer still waiting for answers, so that
        nobody can tell who said no.
        """
        side = self.side_of(member)
        other = "b" if side == "a" else "a"
        if getattr(self, f"{side}_response"):
            return False
        if self.expires_at is None or now >= self.expires_at:
            return False
        if self.state in (self.State.OFFERED, self.State.ACCEPTED_ONE):
            return True
        return (
            self.state == self.State.DECLINED
            and getattr(self, f"{other}_response") == self.Response.DECLINED
        )
