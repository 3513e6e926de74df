"""Undeliverable addresses: suppressed when the provider gives up on them,
lifted when the member confirms the address again."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import (
    Profile,
    SuppressedAddress,
    User,
)


@transaction.atomic
def address_suppress(
    *, email: str, reason: str, detail: str = "", now: datetime | None = None
) -> tuple[SuppressedAddress, bool]:
    """Stop all email to an address the provider reported dead or unwilling.

    The member whose login it is gets introductions paused (their frequency kept
    to give back when they fix the address). Returns the row and whether this call
    created it: a second report of the same address changes nothing.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    suppression, created = SuppressedAddress.objects.get_or_create(
        email=email, defaults={"reason": reason, "detail": detail, "created_at": now}
    )
    if not created:
        return suppression, False
    profile = (
        Profile.objects.select_for_update().filter(user__email__iexact=email).first()
    )
    if profile is not None:
        suppression.profile = profile
        suppression.frequency_before = profile.intro_frequency
        suppression.save(update_fields=["profile", "frequency_before"])
        profile.intro_frequency = Profile.Frequency.PAUSED
        profile.save(update_fields=["intro_frequency", "updated_at"])
    return suppression, True


@transaction.atomic
def address_confirmed(*, user: User, email: str, now: datetime | None = None) -> None:
    """A member proved they read an address again (allauth's confirmation).

    That address is deliverable again, whatever was reported before; and when the
    login address is now a working one, the member's problem is solved: the banner
    goes and introductions resume as they were before the pause. An old dead
    address stays suppressed.
    """
    now = now or timezone.now()
    open_problems = list(
        SuppressedAddress.objects.select_for_update()
        .filter(profile__user=user, resolved_at__isnull=True)
        .order_by("created_at")
    )
    SuppressedAddress.objects.filter(email=email.strip().lower()).delete()
    user.refresh_from_db(fields=["email"])
    if (
        not open_problems
        or SuppressedAddress.objects.filter(email=user.email.lower()).exists()
    ):
        return
    SuppressedAddress.objects.filter(pk__in=[s.pk for s in open_problems]).update(
        resolved_at=now
    )
    # The first problem's "before" is the member's own choice; a later one may have
    # found them paused by the first.
    before = open_problems[0].frequency_before
    profile = Profile.objects.select_for_update().get(user=user)
    if (
        profile.intro_frequency == Profile.Frequency.PAUSED
        and before
        and before != Profile.Frequency.PAUSED
    ):
        profile.intro_frequency = before
        profile.save(update_fields=["intro_frequency", "updated_at"])
