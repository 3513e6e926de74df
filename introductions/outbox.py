"""The one outbox: every email Grapevyne sends, from every app, goes through here.

`outbox_enqueue` writes the email as a row in the caller's transaction, once per
event (the row's `event_key`), and a Celery task sends it after commit with
`outbox_send`, the only code that hands messages to a mail backend (a test walks
the source to keep it so). What the provider reports later (delivered, bounced,
complained, rejected) arrives through anymail's tracking webhook and
`delivery_record`; a hard bounce or a complaint suppresses the address.

Matching's auto-pause email and moderation warnings call `outbox_enqueue`;
introductions' own emails go through `outbox_enqueue_intro_email`; allauth's through
`outbox_enqueue_account_email`, registered with `profiles.outbox` at start-up
(profiles may not import introductions).
"""

import logging
import smtplib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import signature
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from profiles import services as profile_services
from profiles.models import Profile, SuppressedAddress
from profiles.outbox import AccountEmail

from . import emails
from .models import DeliveryEvent, Introduction, OutboxEmail

logger = logging.getLogger(__name__)

# What a mail server or provider raises when it may work later: retried.
SEND_ERRORS = (smtplib.SMTPException, OSError, AnymailAPIError)

# The task that sends one email, by its registered name: tasks.py imports this
# module, so the outbox publishes by name rather than importing it back.
SEND_TASK = "introductions.tasks.send_outbox_email"

# A refused address is not retried for ever: after this many attempts the email is
# marked failed, for an admin to look at.
OUTBOX_MAX_ATTEMPTS = 12


class OutboxSendError(Exception):
    """Sending failed and should be retried later; the row counts the attempt."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def address_is_suppressed(email: str) -> bool:
    return SuppressedAddress.objects.filter(email=email.strip().lower()).exists()


def _with_footer(text: str) -> str:
    """Every plain-text part ends with who sends it and how to reach us."""
    line = settings.MAIL_FOOTER_CONTACT
    return text if not line or line in text else f"{text.rstrip()}\n\n{line}\n"


# What the weekly budget (EMAIL_WEEKLY_BUDGET) counts: what a member could do
# without. Connected emails, account and security emails, the auto-pause email and
# moderation warnings always go and are not counted.
BUDGETED_KINDS = (
    OutboxEmail.Kind.OFFER,
    OutboxEmail.Kind.REMINDER,
    OutboxEmail.Kind.FOLLOW_UP,
    OutboxEmail.Kind.CLOSED,
)
BUDGET_WINDOW = timedelta(days=7)


def emails_budgeted_recently(*, recipient: Profile, now: datetime | None = None) -> int:
    """How many budgeted emails went (or are going) to the member in the last 7 days.

    Cancelled and suppressed rows never reached them and do not count.
    """
    now = _now(now)
    return (
        OutboxEmail.objects.filter(
            recipient=recipient,
            kind__in=BUDGETED_KINDS,
            created_at__gt=now - BUDGET_WINDOW,
            created_at__lte=now,
        )
        .exclude(
            status__in=[OutboxEmail.Status.CANCELLED, OutboxEmail.Status.SUPPRESSED]
        )
        .count()
    )


def email_budget_spent(*, recipient: Profile, now: datetime | None = None) -> bool:
    """True when the member had EMAIL_WEEKLY_BUDGET budgeted emails in 7 days."""
    return (
        emails_budgeted_recently(recipient=recipient, now=now)
        >= settings.EMAIL_WEEKLY_BUDGET
    )


def outbox_enqueue(
    *,
    kind: str,
    event_key: str,
    rendered: emails.RenderedEmail,
    recipient: Profile | None,
    to_email: str | None = None,
    intro: Introduction | None = None,
    now: datetime | None = None,
) -> OutboxEmail | None:
    """Write the email for an event in the caller's transaction; send after commit.

    Each event is emailed once, whoever enqueues it and however often: None when
    `event_key` was emailed already. A deliberate repeat (a second warning) is a
    new event with its own key. An address on the suppression list gets a row
    marked suppressed, and nothing is sent.
    """
    if not rendered.text_body.strip():
        raise ValueError(f"Email {event_key!r} has no plain-text part")
    now = _now(now)
    if not to_email:
        if recipient is None:
            raise ValueError(f"Email {event_key!r} has no recipient and no address")
        to_email = recipient.user.email
    suppressed = address_is_suppressed(to_email) and not _may_reach_suppressed(
        kind, event_key
    )
    with transaction.atomic():
        email, created = OutboxEmail.objects.get_or_create(
            event_key=event_key,
            defaults={
                "recipient": recipient,
                "intro": intro,
                "kind": kind,
                "to_email": to_email,
                "subject": rendered.subject,
                "text_body": _with_footer(rendered.text_body),
                "html_body": rendered.html_body,
                "headers": rendered.headers,
                "attachments": rendered.attachments,
                "created_at": now,
                "status": (
                    OutboxEmail.Status.SUPPRESSED
                    if suppressed
                    else OutboxEmail.Status.PENDING
                ),
            },
        )
    if not created:
        return None
    if not suppressed:
        transaction.on_commit(lambda: outbox_dispatch(email_id=email.pk))
    return email


def outbox_dispatch(*, email_id: int, countdown: float | None = None) -> bool:
    """Hand a committed outbox email to a worker, if the broker takes it at once.

    Called from web requests: with the broker down or hanging, the publish gives up
    within the broker timeouts in settings, without retrying, and the request goes
    on; the outbox sweep sends the email once the broker is back.
    """
    try:
        signature(SEND_TASK).apply_async(
            (email_id,), countdown=countdown, retry=False, ignore_result=True
        )
    except Exception as exc:  # whatever the broker raises, the row is safe
        logger.warning(
            "Broker unavailable (%s): outbox email %d left for the sweep",
            type(exc).__name__,
            email_id,
        )
        return False
    return True


def intro_event_key(intro: Introduction, recipient: Profile, kind: str) -> str:
    # The 0007 migration spells the keys of older rows the same way.
    return f"intro-{intro.pk}:{kind}:member-{recipient.pk}"


def outbox_enqueue_intro_email(
    *,
    intro: Introduction,
    recipient: Profile,
    kind: str,
    now: datetime | None = None,
) -> OutboxEmail | None:
    """An introduction's email: one per intro, recipient and kind."""
    now = _now(now)
    return outbox_enqueue(
        kind=kind,
        event_key=intro_event_key(intro, recipient, kind),
        rendered=emails.render(kind, intro, recipient, now=now),
        recipient=recipient,
        intro=intro,
        now=now,
    )


_CONFIRMATION_PREFIX = "account/email/email_confirmation"


def outbox_enqueue_account_email(email: AccountEmail) -> OutboxEmail | None:
    """One of allauth's emails. Each call is its own event: a member who asks for
    a second password reset link gets a second email (allauth rate-limits them)."""
    recipient = (
        Profile.objects.select_related("user")
        .filter(user__email__iexact=email.to_email)
        .first()
    )
    return outbox_enqueue(
        kind=OutboxEmail.Kind.ACCOUNT,
        event_key=f"account:{email.template_prefix}:{uuid.uuid4().hex}",
        rendered=emails.RenderedEmail(
            email.subject, email.text_body, email.html_body, dict(email.headers)
        ),
        recipient=recipient,
        to_email=email.to_email,
    )


def _may_reach_suppressed(kind: str, event_key: str) -> bool:
    """The confirmation link a member just asked for is the one email that goes to
    a suppressed address: confirming it proves the address works again."""
    return kind == OutboxEmail.Kind.ACCOUNT and event_key.startswith(
        f"account:{_CONFIRMATION_PREFIX}"
    )


# --- Sending ----------------------------------------------------------------------


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
        if address_is_suppressed(email.to_email) and not _may_reach_suppressed(
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
            # The provider will not send to this address (it bounced or complained
            # there before): retrying cannot help.
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
            _suppress(email, SuppressedAddress.Reason.REJECTED, str(exc))
            return False
        except SEND_ERRORS as exc:
            error = exc
            email.last_error = repr(exc)[:2000]
            if email.attempts >= OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
            email.save(
                update_fields=["attempts", "last_attempt_at", "last_error", "status"]
            )
        else:
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
    if error is None:
        return True
    if email.status == OutboxEmail.Status.FAILED:
        logger.error("Gave up on outbox email %s: %s", email.pk, email.last_error)
        return False
    raise OutboxSendError(str(error)) from error


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
    now = _now(now)
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


# --- What the provider reports back -------------------------------------------------

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
    now = _now(now)
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
    kind = event.event_type
    if kind == "delivered":
        if not email.delivery:
            email.delivery = OutboxEmail.Delivery.DELIVERED
            email.save(update_fields=["delivery"])
    elif _is_soft_bounce(event):
        email.soft_bounces += 1
        if email.soft_bounces >= settings.OUTBOX_SOFT_BOUNCE_LIMIT:
            email.delivery = OutboxEmail.Delivery.BOUNCED
            email.save(update_fields=["soft_bounces", "delivery"])
            _suppress(email, SuppressedAddress.Reason.SOFT_BOUNCES, record.description)
        else:
            email.delivery = OutboxEmail.Delivery.SOFT_BOUNCED
            email.status = OutboxEmail.Status.PENDING
            email.last_attempt_at = now
            email.save(
                update_fields=["soft_bounces", "delivery", "status", "last_attempt_at"]
            )
            delay = SOFT_BOUNCE_BACKOFF * 2 ** (email.soft_bounces - 1)
            transaction.on_commit(
                lambda: outbox_dispatch(
                    email_id=email.pk, countdown=delay.total_seconds()
                )
            )
    elif kind == "bounced":
        email.delivery = OutboxEmail.Delivery.BOUNCED
        email.save(update_fields=["delivery"])
        _suppress(email, SuppressedAddress.Reason.HARD_BOUNCE, record.description)
    elif kind == "complained":
        email.delivery = OutboxEmail.Delivery.COMPLAINED
        email.save(update_fields=["delivery"])
        _suppress(email, SuppressedAddress.Reason.COMPLAINT, record.description)
    elif kind == "rejected":
        email.delivery = OutboxEmail.Delivery.REJECTED
        email.save(update_fields=["delivery"])
        if event.reject_reason in _SUPPRESSING_REJECTIONS:
            _suppress(email, SuppressedAddress.Reason.REJECTED, record.description)
    return record


_close_for_undeliverable: Callable[..., object] | None = None


def register_undeliverable_handler(handler: Callable[..., object]) -> None:
    """What closes a member's open offers once their login address is suppressed:
    `handler(member=...)`, run in the same transaction. The introductions lifecycle
    registers it when the apps load (IntroductionsConfig.ready): it sends through
    the outbox, so the outbox may not import it."""
    global _close_for_undeliverable  # set once, when the apps load
    _close_for_undeliverable = handler


def _suppress(email: OutboxEmail, reason: str, detail: str) -> None:
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
