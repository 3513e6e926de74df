"""Sending one outbox email (the only code that hands a message to a mail
backend), and finding the emails no task will send."""

import logging
import smtplib
from datetime import datetime, timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from profiles.models import SuppressedAddress

from ..models import OutboxEmail
from .suppression import address_is_suppressed, may_reach_suppressed, suppress

logger = logging.getLogger(__name__)

# What a mail server or provider raises when it may work later: retried.
SEND_ERRORS = (smtplib.SMTPException, OSError, AnymailAPIError)

# A refused address is not retried for ever: after this many attempts the email is
# marked failed, for an admin to look at.
OUTBOX_MAX_ATTEMPTS = 12


class OutboxSendError(Exception):
    """Sending failed and should be retried later; the row counts the attempt."""


def outbox_send(*, outbox_id: int) -> bool:
    """Send one outbox email unless it was sent already; True when this call sent it.

    The row is locked (SKIP LOCKED) for the send, so a duplicated task running at the
    same moment finds nothing to do; a failed attempt is counted and re-raised as
    OutboxSendError for the task to retry, until the last allowed one fails. An
    address suppressed since the email was written gets nothing.
    """
    error = None
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        if address_is_suppressed(email.to_email) and not may_reach_suppressed(
            email.kind, email.event_key
        ):
            email.status = OutboxEmail.Status.SUPPRESSED
            email.save(update_fields=["status"])
            return False
        email.attempts += 1
        email.last_attempt_at = timezone.now()
        message = _message(email)
        try:
            message.send()
        except AnymailRecipientsRefused as exc:
            _refused(email, exc)
            return False
        except SEND_ERRORS as exc:
            error = exc
            _failed_attempt(email, exc)
        else:
            _sent(email, message)
    if error is None:
        return True
    if email.status == OutboxEmail.Status.FAILED:
        logger.error("Gave up on outbox email %s: %s", email.pk, email.last_error)
        return False
    raise OutboxSendError(str(error)) from error


def _refused(email: OutboxEmail, exc: AnymailRecipientsRefused) -> None:
    """The provider will not send to this address (it bounced or complained there
    before): retrying cannot help, and the address is suppressed."""
    email.last_error = repr(exc)[:2000]
    email.status = OutboxEmail.Status.FAILED
    email.delivery = OutboxEmail.Delivery.REJECTED
    email.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_error",
            "status",
            "delivery",
        ]
    )
    suppress(email, SuppressedAddress.Reason.REJECTED, str(exc))


def _failed_attempt(email: OutboxEmail, exc: Exception) -> None:
    """Count the attempt; the last allowed one marks the email failed."""
    email.last_error = repr(exc)[:2000]
    if email.attempts >= OUTBOX_MAX_ATTEMPTS:
        email.status = OutboxEmail.Status.FAILED
    email.save(update_fields=["attempts", "last_attempt_at", "last_error", "status"])


def _sent(email: OutboxEmail, message: EmailMultiAlternatives) -> None:
    email.status = OutboxEmail.Status.SENT
    email.sent_at = email.last_attempt_at
    email.provider_message_id = _provider_message_id(message)
    email.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "status",
            "sent_at",
            "provider_message_id",
        ]
    )


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        to=[email.to_email],
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments:
        message.attach(
            attachment["filename"], attachment["content"], attachment["mimetype"]
        )
    # anymail sends these to the provider, which returns them with every webhook
    # event: the way back to this row even before its message id is stored.
    message.metadata = {"outbox_id": str(email.pk)}  # type: ignore[attr-defined]
    message.track_clicks = False  # type: ignore[attr-defined]
    message.track_opens = False  # type: ignore[attr-defined]
    return message


def _provider_message_id(message: EmailMultiAlternatives) -> str:
    """The provider's id for the message (anymail backends), else ''."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    if message_id is None:
        return ""
    if isinstance(message_id, set):  # one per recipient when they differ
        message_id = ",".join(sorted(str(m) for m in message_id))
    return str(message_id)[:255]


STUCK_AFTER = timedelta(minutes=1)
# Longer than the send task's own retries take (30 s doubling to an hour, 8 times):
# an email tried more recently still has a retry on its way.
RETRIES_OVER_AFTER = timedelta(hours=2)


def outbox_ids_stuck(*, now: datetime | None = None) -> list[int]:
    """Pending emails that no task will send: never tried a minute after they were
    written (lost between commit and enqueue), or tried and left without a retry
    (a lost worker, or a task out of retries)."""
    now = now or timezone.now()
    return list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
        .filter(
            Q(attempts=0, created_at__lte=now - STUCK_AFTER)
            | Q(attempts__gt=0, last_attempt_at__lte=now - RETRIES_OVER_AFTER)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def outbox_ids_pending() -> list[int]:
    return list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
