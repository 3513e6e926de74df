"""The outbox's rows: every email, once per event, and what the provider reported
about it."""

from django.db import models
from django.utils import timezone

from profiles.models import Profile

from .introduction import Introduction


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
