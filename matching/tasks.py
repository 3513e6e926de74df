"""Celery tasks of the matching engine: thin wrappers that fan a round out.

start_round (beat, command or admin) → chord(score_block × blocks) → finish_round.
"""

import logging

from celery import Task, chord, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import learning, selectors, services, watchdog
from .models import Round, WeightVersion

logger = logging.getLogger(__name__)

# A dropped database connection or a deadlock is worth retrying; a bug is not.
_RETRYABLE = (OperationalError, InterfaceError)
_RETRY = {"max_retries": 5, "retry_backoff": True, "retry_backoff_max": 300}
# Loading a whole population, or pairing and writing it, takes longer than the
# default task time limits allow (minutes at a million members); blocks do not.
_LONG = {
    "soft_time_limit": settings.MATCHING_ROUND_SOFT_TIME_LIMIT,
    "time_limit": settings.MATCHING_ROUND_TIME_LIMIT,
}


class RoundStep(Task):
    """A step of a round, which marks the round failed when it gives up.

    Giving up is a bug, or a retryable error that outlived its retries: either
    way nothing will run this step again, and a round left pending or scoring
    would stop every later round (round_create allows one unfinished round).
    `step` prefixes the error with where it happened, e.g. "block {block}: ".
    """

    step = ""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Not ready: another step failed first (its cause stands), or this is a
        # duplicate of a step the round has moved past.
        if isinstance(exc, services.RoundNotReady):
            return
        params = {**dict(zip(("round_id", "block"), args, strict=False)), **kwargs}
        if params.get("round_id") is not None:
            services.round_fail(
                round_id=params["round_id"],
                error=self.step.format(**params) + repr(exc),
            )


def dispatch_blocks(round_id: int) -> None:
    """Score the round's unscored blocks in parallel, then finish it."""
    watchdog.round_mark_dispatched(round_id=round_id)
    blocks = services.round_blocks_pending(round_id=round_id)
    if not blocks:
        finish_round.delay(round_id)
        return
    chord([score_block.si(round_id, block) for block in blocks])(
        finish_round.si(round_id)
    )


@shared_task(bind=True, base=RoundStep, autoretry_for=_RETRYABLE, **_RETRY, **_LONG)
def start_round(
    self, *, trigger: str = "beat", dry_run: bool = False, round_id: int | None = None
) -> int | None:
    """Create (or continue) a round, freeze its population and fan out its blocks."""
    if round_id is None:
        round_ = services.round_create(trigger=trigger, dry_run=dry_run)
        # The round in the way may be orphaned (a first delivery of this message
        # died after creating it) or stuck: continuing it is idempotent, and the
        # only way it ever finishes.
        round_id = round_.pk if round_ else selectors.round_unfinished_id()
        if round_id is None:
            return None
        if round_ is None:
            logger.warning("Continuing unfinished round %d", round_id)
        # A retry must continue this round rather than create another one.
        self.request.kwargs = {**(self.request.kwargs or {}), "round_id": round_id}
    services.round_prepare(round_id=round_id)
    dispatch_blocks(round_id)
    return round_id


@shared_task(
    bind=True,
    base=RoundStep,
    step="block {block}: ",
    autoretry_for=_RETRYABLE,
    **_RETRY,
)
def score_block(self, round_id: int, block: int) -> int:
    return services.round_score_block(round_id=round_id, block=block).candidates


@shared_task(
    bind=True,
    base=RoundStep,
    step="finish: ",
    autoretry_for=_RETRYABLE,
    **_RETRY,
    **_LONG,
)
def finish_round(self, round_id: int) -> int:
    return services.round_finish(round_id=round_id).pairs_chosen


@shared_task(bind=True, base=RoundStep, autoretry_for=_RETRYABLE, **_RETRY)
def resume_round(self, round_id: int) -> int:
    """Continue a crashed or failed round from where it stopped."""
    services.round_reopen(round_id=round_id)
    start_round.delay(round_id=round_id)
    return round_id


@shared_task(autoretry_for=_RETRYABLE, **_RETRY)
def auto_pause_sweep() -> int:
    """Pause members as soon as their last ignored offer closes, not a round later:
    an offer lasts one round interval, so at the next round's start it is still
    open and would not yet count."""
    return len(services.members_auto_pause())


@shared_task(bind=True, autoretry_for=_RETRYABLE, **_RETRY)
def watch_rounds(self) -> int:
    """Dispatch again what a stalled round is missing (see matching/watchdog.py)."""
    stalled = watchdog.rounds_claim_stalled()
    for round_ in stalled:
        logger.warning(
            "Round %d made no progress while %s; dispatching its missing steps again",
            round_.round_id,
            round_.status,
        )
        if round_.status == Round.Status.PENDING:
            start_round.delay(round_id=round_.round_id)
        else:
            dispatch_blocks(round_.round_id)
    return len(stalled)


@shared_task(bind=True, **_LONG)
def weights_dry_run(self, version_id: int) -> dict:
    """Run the next round twice as dry runs to compare a weight version's pairs
    with the active weights' (see matching.learning); a failure is recorded on
    the version, where the insights page shows it."""
    version = WeightVersion.objects.get(pk=version_id)
    try:
        return learning.weights_dry_run(version=version)
    except Exception as exc:
        WeightVersion.objects.filter(pk=version_id).update(
            dry_run={"status": "failed", "error": repr(exc)[:500]}
        )
        raise
