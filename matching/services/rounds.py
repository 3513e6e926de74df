"""A round's record: created one real round at a time, failed, reopened."""

import logging
from dataclasses import asdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .. import selectors
from ..models import Round, RoundBlock, RoundSnapshot, WeightVersion
from .weights import ACTIVE_VERSION, _Active, matching_weights

logger = logging.getLogger(__name__)

# Arbitrary constant: the first key of the advisory locks the round services take.
LOCK_NAMESPACE = 7_1207


class RoundNotReady(RuntimeError):
    """The round is not in a state where this step can run."""


def advisory_xact_lock(key1: int, key2: int) -> None:
    """Hold PostgreSQL's advisory lock (key1, key2) until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int4, %s::int4)", [key1, key2])


@transaction.atomic
def round_create(
    *,
    trigger: str,
    dry_run: bool = False,
    weights_version: WeightVersion | _Active | None = ACTIVE_VERSION,
) -> Round | None:
    """A new pending round, or None when a real round is still running.

    Two real rounds at once would each propose intros against stale open counts;
    dry runs write nothing members see, so they may overlap anything. It scores
    with the active weight version unless told another (dry runs comparing one).
    """
    advisory_xact_lock(LOCK_NAMESPACE, 0)
    if (
        not dry_run
        and Round.objects.filter(dry_run=False)
        .exclude(status__in=Round.FINISHED_STATES)
        .exists()
    ):
        logger.warning("A matching round is already running; not starting another")
        return None
    if weights_version is ACTIVE_VERSION:
        weights_version = selectors.weight_version_active()
    weights = matching_weights(weights_version)
    cap = settings.MATCHING_SHORTLIST_CAP
    return Round.objects.create(
        trigger=trigger,
        dry_run=dry_run,
        weights_version=weights_version,
        # Spare candidates refill the lists the shortlist cap trims.
        k=settings.MATCHING_K + (settings.MATCHING_K // 4 if cap > 0 else 0),
        block_size=settings.MATCHING_BLOCK_SIZE,
        parameters={
            "weights": asdict(weights),
            "shortlist_k": settings.MATCHING_K,
            "shortlist_cap": cap,
            "exposure_cap": settings.MATCHING_EXPOSURE_CAP,
            "intros_per_round": settings.MATCHING_INTROS_PER_ROUND,
            "reintro_days": settings.MATCHING_REINTRO_DAYS,
            "augment_max_loss": settings.MATCHING_AUGMENT_MAX_LOSS,
        },
    )


def round_fail(*, round_id: int, error: str) -> None:
    """Mark the round failed with its cause, unless it already finished.

    The first failure is the cause; steps failing after it only see its effects.
    """
    Round.objects.filter(pk=round_id).exclude(status__in=Round.FINISHED_STATES).update(
        status=Round.Status.FAILED, error=error[:10_000], finished_at=timezone.now()
    )


def round_reopen(*, round_id: int) -> Round:
    """Put a failed round back where it stopped, so that resuming continues it."""
    round_ = Round.objects.get(pk=round_id)
    if round_.status != Round.Status.FAILED:
        return round_
    if not RoundSnapshot.objects.filter(round=round_).exists():
        status = Round.Status.PENDING
    else:
        status = Round.Status.SCORING
    Round.objects.filter(pk=round_id, status=Round.Status.FAILED).update(
        status=status, error="", finished_at=None
    )
    round_.refresh_from_db()
    return round_


def round_blocks_pending(*, round_id: int) -> list[int]:
    return list(
        RoundBlock.objects.filter(round_id=round_id, done_at__isnull=True).values_list(
            "block", flat=True
        )
    )
