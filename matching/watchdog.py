"""Rounds that stopped making progress, found so that their missing steps run again.

A worker killed mid-block leaves its block's message unacknowledged, and Redis gives
it to another worker only after its visibility timeout (an hour); until then the
chord never completes and the round stays "scoring". Every step is idempotent, so
the cure is to dispatch what is missing again: the unscored blocks, or the finisher.

Progress is the latest of: the round's creation, its start, its last dispatch, and
its last scored block. A round is stalled when it made none for
MATCHING_STALL_SECONDS while scoring (each block finishes or is killed within the
block time limit), or for that plus the round time limit while pending, pairing
or writing (one long step that is killed at its time limit).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .models import Round


@dataclass(frozen=True)
class StalledRound:
    round_id: int
    status: str


def round_mark_dispatched(*, round_id: int, now: datetime | None = None) -> None:
    Round.objects.filter(pk=round_id).update(dispatched_at=now or timezone.now())


def _stall_bound(status: str) -> timedelta:
    seconds = settings.MATCHING_STALL_SECONDS
    if status != Round.Status.SCORING:
        seconds += settings.MATCHING_ROUND_TIME_LIMIT
    return timedelta(seconds=seconds)


def rounds_claim_stalled(*, now: datetime | None = None) -> list[StalledRound]:
    """The unfinished rounds without progress for too long, each claimed once.

    Claiming moves the round's dispatched_at to now with a conditional update, so
    that two watchdogs running at once dispatch a round once, and the next check
    waits a whole bound again before deciding the new dispatch stalled too.
    """
    now = now or timezone.now()
    rounds = Round.objects.exclude(status__in=Round.FINISHED_STATES).annotate(
        last_block=Max("block_set__done_at")
    )
    claimed = []
    for round_ in rounds:
        progress = max(
            t
            for t in (
                round_.created_at,
                round_.started_at,
                round_.dispatched_at,
                round_.last_block,
            )
            if t is not None
        )
        if now - progress <= _stall_bound(round_.status):
            continue
        if Round.objects.filter(
            pk=round_.pk, status=round_.status, dispatched_at=round_.dispatched_at
        ).update(dispatched_at=now):
            claimed.append(StalledRound(round_.pk, round_.status))
    return claimed
