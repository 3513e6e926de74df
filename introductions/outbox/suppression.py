"""Suppressed addresses as the outbox sees them: nothing is sent to one, but the
link that proves it works again; suppressing one pauses its member and closes
their open offers."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from profiles import services as profile_services
from profiles.models import Profile, SuppressedAddress

from ..models import OutboxEmail

_CONFIRMATION_PREFIX = "account/email/email_confirmation"


def address_is_suppressed(email: str) -> bool:
    return SuppressedAddress.objects.filter(email=email.strip().lower()).exists()


def may_reach_suppressed(kind: str, event_key: str) -> bool:
    """The confirmation link a member just asked for is the one email that goes to
    a suppressed address: confirming it proves the address works again."""
    return kind == OutboxEmail.Kind.ACCOUNT and event_key.startswith(
        f"account:{_CONFIRMATION_PREFIX}"
    )


_close_for_undeliverable: Callable[..., object] | None = None


def register_undeliverable_handler(handler: Callable[..., object]) -> None:
    """What closes a member's open offers once their login address is suppressed:
    `handler(member=...)`, run in the same transaction. The introductions lifecycle
    registers it when the apps load (IntroductionsConfig.ready): the lifecycle
    module imports the outbox to enqueue its emails, so the outbox may not import
    it back."""
    global _close_for_undeliverable  # set once, when the apps load
    _close_for_undeliverable = handler


def suppress(email: OutboxEmail, reason: str, detail: str) -> None:
    """Put the email's address on the suppression list, with its consequences."""
    suppression, created = profile_services.address_suppress(
        email=email.to_email, reason=reason, detail=detail
    )
    if not created:
        return
    OutboxEmail.objects.filter(
        to_email__iexact=email.to_email, status=OutboxEmail.Status.PENDING
    ).update(status=OutboxEmail.Status.SUPPRESSED)
    if suppression.profile_id is None:
        return
    if _close_for_undeliverable is None:
        raise ImproperlyConfigured(
            "No handler closes an undeliverable member's offers (apps not loaded)."
        )
    _close_for_undeliverable(member=Profile.objects.get(pk=suppression.profile_id))
