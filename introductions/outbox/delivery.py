"""What the provider reports back through its webhook: delivered, bounced,
complained, rejected; each recorded once on its outbox row and acted on."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from profiles.models import SuppressedAddress

from ..models import DeliveryEvent, OutboxEmail
from .enqueue import outbox_dispatch
from .suppression import suppress

logger = logging.getLogger(__name__)

# A soft bounce (mailbox full, server down for a while) is sent again after
# SOFT_BOUNCE_BACKOFF × 2^(n-1); the OUTBOX_SOFT_BOUNCE_LIMIT-th soft bounce of the
# same email counts as a hard bounce. The delays stay under RETRIES_OVER_AFTER, so
# the sweep does not race the scheduled retry.
SOFT_BOUNCE_BACKOFF = timedelta(minutes=15)

# Provider bounce types that mean "not now" rather than "never" (anymail reports
# both as "bounced"; its "deferred" is the provider still retrying by itself).
_SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient"}
# Rejections that say the address itself is dead or unwilling.
_SUPPRESSING_REJECTIONS = {"bounced", "invalid", "spam"}


def _find_row(event) -> OutboxEmail | None:
    rows = OutboxEmail.objects.select_for_update()
    if event.message_id:
        row = rows.filter(provider_message_id=str(event.message_id)).first()
        if row is not None:
            return row
    outbox_id = (event.metadata or {}).get("outbox_id")
    if outbox_id and str(outbox_id).isdigit():
        return rows.filter(pk=int(outbox_id)).first()
    return None


def _is_soft_bounce(event) -> bool:
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    return event.event_type == "bounced" and esp_event.get("Type") in _SOFT_BOUNCE_TYPES


@transaction.atomic
def delivery_record(*, event, now: datetime | None = None) -> DeliveryEvent | None:
    """Record one anymail tracking event on its outbox row and act on it.

    Delivered is noted. A hard bounce or a complaint (or a rejection for a dead
    address) suppresses the address, which pauses its member and quietly closes
    their open offers. A soft bounce sends the email again later, and counts as
    hard after OUTBOX_SOFT_BOUNCE_LIMIT. A repeated webhook changes nothing twice.
    Returns None for an event about no email of ours (ignored).
    """
    now = now or timezone.now()
    email = _find_row(event)
    if email is None:
        logger.info("Webhook event %s about an unknown message", event.event_type)
        return None
    record, created = DeliveryEvent.objects.get_or_create(
        outbox=email,
        event_type=event.event_type,
        provider_event_id=event.event_id or "",
        occurred_at=event.timestamp,
        defaults={
            "recipient": event.recipient or "",
            "reject_reason": event.reject_reason or "",
            "description": (event.description or event.mta_response or "")[:2000],
            "received_at": now,
        },
    )
    if not created:
        return record
    _act_on(email, event, record, now)
    return record


def _act_on(email: OutboxEmail, event, record: DeliveryEvent, now: datetime) -> None:
    """What a new event does to its email and, for a dead address, to its member."""
    kind = event.event_type
    if kind == "delivered":
        if not email.delivery:
            email.delivery = OutboxEmail.Delivery.DELIVERED
            email.save(update_fields=["delivery"])
    elif _is_soft_bounce(event):
        _soft_bounce(email, record, now)
    elif kind == "bounced":
        email.delivery = OutboxEmail.Delivery.BOUNCED
        email.save(update_fields=["delivery"])
        suppress(email, SuppressedAddress.Reason.HARD_BOUNCE, record.description)
    elif kind == "complained":
        email.delivery = OutboxEmail.Delivery.COMPLAINED
        email.save(update_fields=["delivery"])
        suppress(email, SuppressedAddress.Reason.COMPLAINT, record.description)
    elif kind == "rejected":
        email.delivery = OutboxEmail.Delivery.REJECTED
        email.save(update_fields=["delivery"])
        if event.reject_reason in _SUPPRESSING_REJECTIONS:
            suppress(email, SuppressedAddress.Reason.REJECTED, record.description)


def _soft_bounce(email: OutboxEmail, record: DeliveryEvent, now: datetime) -> None:
    """Send again after a growing delay, or give up as after a hard bounce."""
    email.soft_bounces += 1
    if email.soft_bounces >= settings.OUTBOX_SOFT_BOUNCE_LIMIT:
        email.delivery = OutboxEmail.Delivery.BOUNCED
        email.save(update_fields=["soft_bounces", "delivery"])
        suppress(email, SuppressedAddress.Reason.SOFT_BOUNCES, record.description)
        return
    email.delivery = OutboxEmail.Delivery.SOFT_BOUNCED
    email.status = OutboxEmail.Status.PENDING
    email.last_attempt_at = now
    email.save(update_fields=["soft_bounces", "delivery", "status", "last_attempt_at"])
    delay = SOFT_BOUNCE_BACKOFF * 2 ** (email.soft_bounces - 1)
    transaction.on_commit(
        lambda: outbox_dispatch(email_id=email.pk, countdown=delay.total_seconds())
    )
