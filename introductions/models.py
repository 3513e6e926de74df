from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from profiles.models import Profile

from .components import COLUMNS as COMPONENT_COLUMNS
from .components import ScoreComponents


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


class OutboxEmail(models.Model):
    """An email written in the same transaction as the event it announces.

    Every email a member (or an address) receives is one of these rows, written by
    `introductions.outbox.outbox_enqueue`. A Celery task sends it after commit; the
    row, not the task, is the truth about whether it went out, so a duplicated or
    retried task never sends it twice and a lost task is picked up by the sweep.
    What the provider later reports (delivered, bounced, complained, rejected)
    comes back through its webhook onto `delivery`.
    """

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"
        REMINDER = "reminder", "Reminder"
        CONNECTED = "connected", "Connected"
        # No longer written (the news is a line in the next offer); older rows keep it.
        CLOSED = "closed", "Did not happen this time"
        FOLLOW_UP = "follow_up", "Follow-up"
        WARNING = "warning", "Moderation warning"
        AUTO_PAUSE = "auto_pause", "Introductions paused"
        ACCOUNT = "account", "Account (sign-up, password)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed (gave up)"
        SUPPRESSED = "suppressed", "Not sent: address suppressed"

    class Delivery(models.TextChoices):
        UNKNOWN = "", "Not reported"
        DELIVERED = "delivered", "Delivered"
        SOFT_BOUNCED = "soft_bounced", "Soft bounce (will retry)"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"
        REJECTED = "rejected", "Rejected by the provider"

    # Allauth's emails may go to an address without a member (a sign-up that is
    # not finished): to_email is the address, recipient the member when there is one.
    recipient = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_emails",
    )
    intro = models.ForeignKey(
        Introduction,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_emails",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    event_key = models.CharField(
        max_length=200,
        unique=True,
        help_text="The event this email announces: each is emailed once.",
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text="Calendar invites: [{filename, content, mimetype}].",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    delivery = models.CharField(
        max_length=12, choices=Delivery.choices, blank=True, default=""
    )
    soft_bounces = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.status})"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiving server can drop a duplicate too."""
        return f"<outbox-{self.pk}@grapevyne>"


class DeliveryEvent(models.Model):
    """One report from the mail provider's webhook about one outbox email."""

    outbox = models.ForeignKey(
        OutboxEmail, on_delete=models.CASCADE, related_name="delivery_events"
    )
    event_type = models.CharField(max_length=20)
    recipient = models.EmailField(blank=True)
    reject_reason = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)
    provider_event_id = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} for outbox {self.outbox_id}"


class Feedback(models.Model):
    """A member's answer to "Did you meet?", kept for the matching engine."""

    class Met(models.TextChoices):
        YES = "yes", "Yes, we met"
        NOT_YET = "not_yet", "Not yet"
        NO = "no", "No"

    intro = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="feedback"
    )
    member = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="intro_feedback"
    )
    met = models.CharField(max_length=8, choices=Met.choices)
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["intro", "member"], name="feedback_once_per_member"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["updated_at"], name="feedback_updated_idx")]

    def __str__(self) -> str:
        return f"Feedback on intro {self.intro_id} by {self.member_id}: {self.met}"


class Report(models.Model):
    """A member's report of another member, waiting in the admin queue.

    The reported member is never told who reported them, nor that a report exists
    unless an admin acts on it.
    """

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", "Harassment"
        SPAM = "spam", "Spam or solicitation"
        IMPERSONATION = "impersonation", "Impersonation"
        INAPPROPRIATE = "inappropriate", "Inappropriate content"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        ACTIONED = "actioned", "Actioned"

    DETAILS_MAX_LENGTH = 2000

    # A reporter who deletes their account leaves the report in the queue: the
    # concern is about someone who is still here.
    reporter = models.ForeignKey(
        Profile,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    # Nothing is left to act on once the reported member is gone.
    reported = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="reports_received"
    )
    intro = models.ForeignKey(
        Introduction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The introduction the report is about, when made from one.",
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=DETAILS_MAX_LENGTH)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_handled",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reporter=models.F("reported")),
                name="report_not_self",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="report_queue_idx")
        ]

    def __str__(self) -> str:
        return f"Report #{self.pk} about {self.reported} ({self.status})"


class ModerationAction(models.Model):
    """One thing an admin did to a member: an append-only log, never edited."""

    class Action(models.TextChoices):
        DISMISS = "dismiss", "Dismissed a report"
        WARN = "warn", "Warned"
        SUSPEND = "suspend", "Suspended"
        REINSTATE = "reinstate", "Reinstated"

    # SET_NULL everywhere: the log outlives the admin, the member and the report.
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    member = models.ForeignKey(
        Profile,
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.member} by {self.admin}"

    def save(self, *args, **kwargs) -> None:
        """Only ever inserted: a log that can be rewritten proves nothing."""
        if not self._state.adding:
            raise ValueError("Moderation actions are append-only.")
        super().save(*args, **kwargs)
