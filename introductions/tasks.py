"""Celery tasks of introductions: thin; the rows say what is left to do."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import outbox, selectors, services

logger = logging.getLogger(__name__)

_RETRYABLE = (OperationalError, InterfaceError)
_RETRY = {"max_retries": 5, "retry_backoff": True, "retry_backoff_max": 300}
CHUNK = 200


@shared_task(
    name=outbox.SEND_TASK,
    bind=True,
    max_retries=8,
    autoretry_for=_RETRYABLE,
    retry_backoff=True,
)
def send_outbox_email(self, outbox_id: int) -> bool:
    """Send one outbox email; a duplicate or late task finds it sent: a no-op."""
    try:
        return outbox.outbox_send(outbox_id=outbox_id)
    except outbox.OutboxSendError as exc:
        # 30 s, 1 min, 2 min, ... capped at an hour (OUTBOX_RETRY_BASE_SECONDS).
        base = settings.OUTBOX_RETRY_BASE_SECONDS
        countdown = min(3600, base * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def sweep_outbox() -> int:
    """Re-enqueue pending emails that no task will send (see outbox_ids_stuck)."""
    ids = outbox.outbox_ids_stuck()
    for outbox_id in ids:
        send_outbox_email.delay(outbox_id)
    if ids:
        logger.info("Re-enqueued %d pending outbox emails", len(ids))
    return len(ids)


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def offer_proposed(self) -> int:
    return services.intros_offer_proposed()


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def process_deadlines(self) -> int:
    """Fan the intros with a deadline due out to chunk tasks."""
    ids = selectors.intro_ids_with_deadlines_due()
    for start in range(0, len(ids), CHUNK):
        apply_deadlines.delay(ids[start : start + CHUNK])
    return len(ids)


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def apply_deadlines(self, intro_ids: list[int]) -> int:
    done = 0
    for intro_id in intro_ids:
        if services.intro_apply_deadlines(intro_id=intro_id):
            done += 1
    return done
