"""Phase *load*: a round's population frozen into a snapshot and cut into blocks."""

import time
from datetime import datetime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from .. import selectors
from ..models import Round, RoundBlock, RoundSnapshot
from ..snapshot import Snapshot
from ..windows import window_sets
from .auto_pause import members_auto_pause


def population_load(
    *, now: datetime | None = None, intros_per_round: int = 1
) -> Snapshot:
    """The eligible members as the arrays the core scores."""
    now = now or timezone.now()
    members = selectors.members_eligible(now=now)
    tags = selectors.member_tags(members.ids)
    tag_ids = tags.tag_ids
    goals = selectors.member_goals(members.ids, tag_ids)
    left_out = selectors.members_left_out_last_round()
    waiting = selectors.members_left_out_last_round(waiting_only=True)
    member_windows = selectors.member_windows(members.ids)
    windows = window_sets(
        member_windows.windows,
        member_windows.member_set,
        member_windows.minutes,
        now=now,
    )
    return Snapshot(
        ids=members.ids,
        tag_indptr=tags.indptr,
        tag_indices=tags.indices,
        tag_ids=tag_ids,
        tag_holders=tags.holders,
        members_total=np.array([tags.members_total], np.int64),
        seeks=goals.seeks,
        offers=goals.offers,
        goal_kind_ids=goals.kind_ids,
        goal_indptr=goals.goals.indptr,
        goal_kind=goals.goals.kind,
        goal_seeks=goals.goals.seeks,
        goal_tag=goals.goals.tag,
        tag_category=selectors.tag_categories(tag_ids),
        window_sets=windows.sets,
        window_member=windows.member_set,
        window_length=windows.length,
        specialty=members.specialty_ids.astype(np.int32),
        prefers_other=members.prefers_other,
        priority=selectors.member_priority(members, left_out),
        waited=selectors.rows_of(waiting, members.ids) >= 0,
        capacity=np.minimum(members.room, intros_per_round).astype(np.int32),
        excluded=selectors.excluded_pairs(members.ids, now=now),
    )


# The snapshot of the round this process worked on last, so that scoring the
# round's next block need not read it back; one round's at a time.
_snapshot_cache: dict[int, Snapshot] = {}


def round_prepare(*, round_id: int) -> Round:
    """Freeze the population of a pending round and cut it into blocks.

    Runs in one transaction at REPEATABLE READ (when not nested), so that the
    several bulk reads see the same moment; a retry after a crash starts over.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if round_.status != Round.Status.PENDING:
            return round_
        started = time.perf_counter()
        round_.started_at = timezone.now()
        if not round_.dry_run:
            round_.members_paused = len(
                members_auto_pause(round_=round_, now=round_.started_at)
            )
        snapshot = population_load(
            now=round_.started_at,
            intros_per_round=round_.parameters["intros_per_round"],
        )
        RoundSnapshot.objects.create(round=round_, data=snapshot.to_bytes())
        n = len(snapshot)
        size = max(1, round_.block_size)
        RoundBlock.objects.bulk_create(
            [
                RoundBlock(
                    round=round_, block=b, start=start, stop=min(n, start + size)
                )
                for b, start in enumerate(range(0, n, size))
            ]
        )
        round_.blocks = (n + size - 1) // size
        round_.members_considered = n
        round_.status = Round.Status.SCORING
        round_.seconds_load = time.perf_counter() - started
        round_.save()
    _snapshot_cache.clear()
    _snapshot_cache[round_.pk] = snapshot
    return round_


def round_snapshot(round_id: int) -> Snapshot:
    """The round's snapshot, kept in memory for the next block of the same round."""
    if round_id not in _snapshot_cache:
        data = RoundSnapshot.objects.values_list("data", flat=True).get(
            round_id=round_id
        )
        _snapshot_cache.clear()
        _snapshot_cache[round_id] = Snapshot.from_bytes(data)
    return _snapshot_cache[round_id]
