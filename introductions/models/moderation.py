"""Reports about members and the moderators' actions."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from profiles.models import Profile

from .introduction import Introduction


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
