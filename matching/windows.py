"""Call windows in bulk: which pairs can meet inside both members' weekly windows.

A member's weekly windows (local weekday and hours, in their own time zone) are
turned into real instants date by date over the horizon the connected email
proposes slots in (from 24 hours after now, for 21 days), so a window keeps its
local hours across a daylight-saving change. For a meeting of L minutes, bit q of
a member's start set says that a call starting at the q-th UTC quarter hour of
the horizon fits, whole, inside one of their windows. Two members can meet for L
minutes iff their start sets for L intersect: the same rule as the per-pair slot
search of the connected email (``introductions.calendar``), computed once per
distinct (time zone, windows) and ANDed as 32 words per pair.

L is the longer of the two members' meeting lengths (a call that fits the longer
fits the shorter). Someone with no windows is taken as free on weekday working
hours, as the email does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numba import njit

from introductions.calendar import DEFAULT_WINDOWS

Window = tuple[int, time, time]  # weekday (Monday = 0), local start, local end

LENGTHS = (15, 20, 30)  # meeting lengths a member can choose, in minutes
NOTICE = timedelta(hours=24)
HORIZON = timedelta(days=21)
QUARTER = timedelta(minutes=15)


def _ceil_quarter(moment: datetime) -> datetime:
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0)
    floor = floor.replace(microsecond=0)
    return floor if floor == moment else floor + QUARTER


def _utc_intervals(
    windows: Sequence[Window], zone_name: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(zone_name)
    out = []
    day: date = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        for weekday, lo, hi in windows:
            if day.weekday() == weekday:
                # Wall-clock times on that date; a time skipped by a DST change
                # moves forward as calendar apps do (fold=0).
                a = datetime.combine(day, lo, tzinfo=zone).astimezone(UTC)
                b = datetime.combine(day, hi, tzinfo=zone).astimezone(UTC)
                if b > a:
                    out.append((a, b))
        day += timedelta(days=1)
    return out


def start_sets(
    windows: Iterable[Window],
    zone_name: str,
    *,
    now: datetime,
    notice: timedelta = NOTICE,
    horizon: timedelta = HORIZON,
) -> np.ndarray:
    """uint64 (len(LENGTHS), words): per meeting length, the quarter-hour starts
    of the horizon at which a call fits inside one of these windows."""
    windows = list(windows) or list(DEFAULT_WINDOWS)
    start = (now + notice).astimezone(UTC)
    end = start + horizon
    anchor = _ceil_quarter(start)
    n_q = int((end - anchor) / QUARTER) + 1
    words = (n_q + 63) // 64
    out = np.zeros((len(LENGTHS), words), np.uint64)
    intervals = _utc_intervals(windows, zone_name, start, end)
    for li, minutes in enumerate(LENGTHS):
        length = timedelta(minutes=minutes)
        fits = np.zeros(words * 64, bool)
        for lo, hi in intervals:
            first = _ceil_quarter(max(lo, start))
            last = min(hi, end) - length  # latest start
            if first > last:
                continue
            q0 = int((first - anchor) / QUARTER)
            q1 = int((last - anchor) // QUARTER)
            fits[q0 : q1 + 1] = True
        out[li] = np.packbits(fits, bitorder="little").view(np.uint64)
    return out


@dataclass
class WindowSets:
    """Every member's start sets, shared by members with the same windows."""

    sets: np.ndarray  # uint64 (n_distinct, len(LENGTHS), words)
    member_set: np.ndarray  # int32 (n,) row of sets
    length: np.ndarray  # int8 (n,) index in LENGTHS of the member's meeting length

    def overlap(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """bool per pair (a[e], b[e]): a call of the longer length fits both."""
        fits: np.ndarray = _overlap(
            self.sets,
            self.member_set,
            self.length,
            np.ascontiguousarray(a, dtype=np.int64),
            np.ascontiguousarray(b, dtype=np.int64),
        )
        return fits


def window_sets(
    windows: Sequence[tuple[str, Sequence[Window]]],
    member_set: np.ndarray,
    minutes: np.ndarray,
    *,
    now: datetime,
    notice: timedelta = NOTICE,
    horizon: timedelta = HORIZON,
) -> WindowSets:
    """From the distinct (time zone, windows), each member's row among them and
    each member's meeting length in minutes (one outside LENGTHS counts as the
    next longer one, or the longest)."""
    rows = [
        start_sets(w, zone, now=now, notice=notice, horizon=horizon)
        for zone, w in windows
    ]
    sets = np.stack(rows) if rows else np.zeros((0, len(LENGTHS), 1), np.uint64)
    length = np.searchsorted(np.array(LENGTHS), np.asarray(minutes))
    return WindowSets(
        sets=sets,
        member_set=np.asarray(member_set, dtype=np.int32),
        length=np.minimum(length, len(LENGTHS) - 1).astype(np.int8),
    )


@njit(cache=True)
def _overlap(sets, member_set, length, a, b):  # type: ignore[no-untyped-def]  # numba kernel
    out = np.zeros(len(a), np.bool_)
    for e in range(len(a)):
        sa = member_set[a[e]]
        sb = member_set[b[e]]
        li = max(length[a[e]], length[b[e]])
        for w in range(sets.shape[2]):
            if sets[sa, li, w] & sets[sb, li, w]:
                out[e] = True
                break
    return out
