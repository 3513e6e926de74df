"""Celery tasks of the matching engine: thin wrappers that fan a round out.

start_round (beat, command or admin) → chord(score_block × blocks) → finish_round.
"""

import logging

from celery import chord, shared_task
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# A dropped database connection or a deadlock is worth retrying; a bug is not.
_RETRYABLE = (OperationalError, InterfaceError)
_RETRY = {"max_retries": 5, "retry_backoff": True, "retry_backoff_max": 300}


def dispatch_blocks(round_id: int) -> None:
    """Score the round's unscored blocks in parallel, then finish it."""
    blocks = services.round_blocks_pending(round_id=round_id)
    if not blocks:
        finish_round.delay(round_id)
        return
    chord([score_block.si(round_id, block) for block in blocks])(
        finish_round.si(round_id)
    )


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def start_round(
    self, *, trigger: str = "beat", dry_run: bool = False, round_id: int | None = None
) -> int | None:
    """Create (or continue) a round, freeze its population and fan out its blocks."""
    if round_id is None:
        round_ = services.round_create(trigger=trigger, dry_run=dry_run)
        if round_ is None:
            return None
        round_id = round_.pk
        # A retry must continue this round rather than create another one.
        self.request.kwargs = {**(self.request.kwargs or {}), "round_id": round_id}
    try:
        services.round_prepare(round_id=round_id)
    except _RETRYABLE:
        raise
    except Exception as exc:
        services.round_fail(round_id=round_id, error=repr(exc))
        raise
    dispatch_blocks(round_id)
    return round_id


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def score_block(self, round_id: int, block: int) -> int:
    try:
        return services.round_score_block(round_id=round_id, block=block).candidates
    except _RETRYABLE:
        raise
    except Exception as exc:
        services.round_fail(round_id=round_id, error=f"block {block}: {exc!r}")
        raise


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def finish_round(self, round_id: int) -> int:
    try:
        return services.round_finish(round_id=round_id).pairs_chosen
    except _RETRYABLE:
        raise
    except Exception as exc:
        services.round_fail(round_id=round_id, error=f"finish: {exc!r}")
        raise


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def resume_round(self, round_id: int) -> int:
    """Continue a crashed or failed round from where it stopped."""
    services.round_reopen(round_id=round_id)
    start_round.delay(round_id=round_id)
    return round_id


@shared_task(bind=True, autoretry_for=(OSError, *_RETRYABLE), **_RETRY)
def send_auto_pause_email(self, profile_id: int) -> None:
    services.auto_pause_email_send(profile_id=profile_id)
