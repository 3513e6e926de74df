"""The rollup run: find the keys to recompute, then each figure family in turn,
in one transaction, one run at a time."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Rollup
from .facts import collect_facts
from .funnels import recompute_rounds, recompute_weeks
from .keys import all_keys, dirty_since
from .members import (
    fairness,
    recompute_all_members,
    recompute_cohorts,
    recompute_dirty_members,
    recompute_waiting,
)
from .sql import execute

# A change is found by its updated_at, written when its transaction began: one
# still open when a run starts commits later with an older stamp. Looking back
# this far makes such a change dirty in the next run (recomputing twice is
# harmless).
OVERLAP = timedelta(minutes=10)
_LOCK_KEY = 0x1A5163  # pg_advisory_xact_lock: one rollup at a time.
# Past this share of all members touched, one pass over the intro table recounts
# everyone faster than an index probe per touched member.
MEMBERS_FULL_PASS_SHARE = 0.2


@dataclass(frozen=True)
class RollupResult:
    full: bool
    rounds: int
    weeks: int
    members: int
    # Seconds per step, for the task's log and the benchmark.
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - start, 3)


@transaction.atomic
def insights_rollup(*, full: bool = False) -> RollupResult:
    """Bring the summary tables up to date; full=True recomputes every key."""
    execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": _LOCK_KEY})
    # Sorts and hash tables over a million intros fit in memory rather than
    # spilling to disk; only this transaction, one at a time, gets this much.
    execute(
        "SELECT set_config('work_mem', %(mem)s, true)",
        {"mem": settings.INSIGHTS_ROLLUP_WORK_MEM},
    )
    started = timezone.now()
    seconds: dict[str, float] = {}
    state, _ = Rollup.objects.select_for_update().get_or_create(pk=1)
    watermark = None if full else state.watermark
    full = watermark is None
    with _timed(seconds, "find"):
        if watermark is None:
            rounds, weeks = all_keys()
            # DELETE, not TRUNCATE: the page goes on reading the old rows until
            # the run commits, where TRUNCATE would make it wait for the run.
            for table in ("roundfunnel", "roundbreakdown", "weekfunnel"):
                execute(f"DELETE FROM insights_{table}")
            members = -1
        else:
            rounds, weeks, members = dirty_since(watermark - OVERLAP)
    with _timed(seconds, "facts"):
        if rounds or weeks:
            collect_facts(rounds, weeks, full=full)
    with _timed(seconds, "rounds"):
        recompute_rounds(rounds)
    with _timed(seconds, "weeks"):
        recompute_weeks(weeks)
    with _timed(seconds, "members"):
        (population,) = execute("SELECT count(*) FROM profiles_profile")[0]
        if members < 0 or members > MEMBERS_FULL_PASS_SHARE * population:
            recompute_all_members()
        elif members:
            recompute_dirty_members()
    with _timed(seconds, "cohorts"):
        recompute_cohorts()
    with _timed(seconds, "waiting"):
        recompute_waiting(timezone.localdate(started))
    with _timed(seconds, "fairness"):
        fairness(state)
    state.watermark = started
    state.computed_at = timezone.now()
    state.save()
    return RollupResult(
        full=full,
        rounds=len(rounds),
        weeks=len(weeks),
        members=members,
        seconds=seconds,
    )
