"""Blocks between members, and addresses no email may reach."""

from django.db import models
from django.utils import timezone

from .profile import Profile


class Block(models.Model):
    """One member never wants to be introduced to another (either way)."""

    blocker = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class SuppressedAddress(models.Model):
    """An address the mail provider reported as dead (hard bounce) or unwilling
    (spam complaint): nothing more is sent to it.

    Kept apart from the member: the address stays suppressed after the member moves
    to a new one, while `resolved_at` says their problem is fixed (the dashboard
    banner goes away and introductions resume as they were before).
    """

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        SOFT_BOUNCES = "soft_bounces", "Soft bounces, too many in a row"
        COMPLAINT = "complaint", "Spam complaint"
        REJECTED = "rejected", "Refused by the mail provider"

    email = models.EmailField(unique=True, help_text="Stored lower-case.")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    detail = models.TextField(blank=True)
    profile = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suppressed_addresses",
    )
    # The frequency the member had before we paused them for this address, given
    # back when they fix it.
    frequency_before = models.CharField(
        max_length=10, choices=Profile.Frequency.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "suppressed addresses"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"
