"""Writing an email to the outbox, once per event, and handing it to a worker
after commit; the weekly budget of the emails a member could do without."""

import logging
import uuid
from datetime import datetime, timedelta

from celery import signature
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from profiles.models import Profile
from profiles.outbox import AccountEmail

from .. import emails
from ..models import Introduction, OutboxEmail
from .suppression import address_is_suppressed, may_reach_suppressed

logger = logging.getLogger(__name__)

# The task that sends one email, by its registered name: tasks.py imports this
# module, so the outbox publishes by name rather than importing it back.
SEND_TASK = "introductions.tasks.send_outbox_email"


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
    now = now or timezone.now()
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
    now = now or timezone.now()
    if not to_email:
        if recipient is None:
            raise ValueError(f"Email {event_key!r} has no recipient and no address")
        to_email = recipient.user.email
    suppressed = address_is_suppressed(to_email) and not may_reach_suppressed(
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
    now = now or timezone.now()
    return outbox_enqueue(
        kind=kind,
        event_key=intro_event_key(intro, recipient, kind),
        rendered=emails.render(kind, intro, recipient, now=now),
        recipient=recipient,
        intro=intro,
        now=now,
    )


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
