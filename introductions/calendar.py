"""Time slots for a first call, and the .ics invites that carry them.

Windows are weekly and in each member's own time zone; they are turned into real
instants date by date through zoneinfo, so a window keeps its local hours across a
daylight-saving change and the overlap is computed on absolute time.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

Window = tuple[int, time, time]  # weekday (Monday = 0), local start, local end

# Someone with no call windows is assumed to be free on weekday working hours.
DEFAULT_WINDOWS: tuple[Window, ...] = tuple(
    (day, time(9, 0), time(17, 0)) for day in range(5)
)
STEP = timedelta(minutes=15)


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0 and the UTC round trip resolve ambiguous and skipped local times the
    # way a calendar app would (a 02:30 that does not exist becomes 03:30).
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _intervals(
    windows: Iterable[Window], zone_name: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(zone_name)
    windows = list(windows) or list(DEFAULT_WINDOWS)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    out = []
    day = first
    while day <= last:
        for weekday, w_start, w_end in windows:
            if day.weekday() == weekday:
                lo, hi = _instant(day, w_start, zone), _instant(day, w_end, zone)
                if hi > lo:
                    out.append((lo, hi))
        day += timedelta(days=1)
    return sorted(out)


def _ceil_to_step(moment: datetime) -> datetime:
    base = moment.replace(second=0, microsecond=0)
    minutes = (base.minute // 15) * 15
    rounded = base.replace(minute=minutes)
    if rounded < moment:
        rounded += STEP
    return rounded


# Hours we would suggest a call to someone outside their call windows.
REASONABLE_HOURS: tuple[Window, ...] = tuple(
    (day, time(7, 0), time(22, 0)) for day in range(7)
)


def _starts_in(
    a: list[tuple[datetime, datetime]],
    b: list[tuple[datetime, datetime]],
    length: timedelta,
    start: datetime,
    end: datetime,
) -> list[datetime]:
    starts = []
    for a_lo, a_hi in a:
        for b_lo, b_hi in b:
            lo, hi = max(a_lo, b_lo, start), min(a_hi, b_hi, end)
            slot = _ceil_to_step(lo)
            if slot + length <= hi:
                starts.append(slot)
    return sorted(starts)


def propose_slots(
    *,
    windows_a: Sequence[Window],
    zone_a: str,
    windows_b: Sequence[Window],
    zone_b: str,
    minutes: int,
    now: datetime,
    count: int = 3,
    notice: timedelta = timedelta(hours=24),
    horizon: timedelta = timedelta(days=21),
) -> list[datetime]:
    """Up to `count` UTC start times on different days, best first.

    Only inside both members' call windows when the windows overlap (then there
    may be fewer than `count`); when they never overlap in the horizon, inside one
    member's window at a reasonable hour for the other, then at a reasonable hour
    for both. Starts are on quarter hours, at least `notice` from now, the earliest
    of each day.
    """
    start, end = now + notice, now + notice + horizon
    length = timedelta(minutes=minutes)
    a = _intervals(windows_a, zone_a, start, end)
    b = _intervals(windows_b, zone_b, start, end)
    awake_a = _intervals(REASONABLE_HOURS, zone_a, start, end)
    awake_b = _intervals(REASONABLE_HOURS, zone_b, start, end)
    tiers: tuple[list[datetime], ...] = (
        _starts_in(a, b, length, start, end),
        sorted(
            _starts_in(a, awake_b, length, start, end)
            + _starts_in(awake_a, b, length, start, end)
        ),
        _starts_in(awake_a, awake_b, length, start, end),
    )
    if tiers[0]:
        # When the windows overlap at all, every slot lies inside both: fewer
        # slots rather than one outside a window someone set.
        tiers = tiers[:1]
    slots: list[datetime] = []
    days_used: set[date] = set()
    for tier in tiers:
        for slot in tier:
            if len(slots) == count:
                return sorted(slots)
            if slot.date() not in days_used:
                slots.append(slot)
                days_used.add(slot.date())
    return sorted(slots)


def windows_overlap(
    *,
    windows_a: Sequence[Window],
    zone_a: str,
    windows_b: Sequence[Window],
    zone_b: str,
    minutes: int,
    now: datetime,
    notice: timedelta = timedelta(hours=24),
    horizon: timedelta = timedelta(days=21),
) -> bool:
    """Whether a call of `minutes` fits inside both members' windows at least once
    between `now + notice` and the horizon, on absolute time (so across DST).

    Members without windows get DEFAULT_WINDOWS, as in propose_slots; whether to
    tell anyone so is the caller's business.
    """
    start, end = now + notice, now + notice + horizon
    a = _intervals(windows_a, zone_a, start, end)
    b = _intervals(windows_b, zone_b, start, end)
    return bool(_starts_in(a, b, timedelta(minutes=minutes), start, end))


def inside_windows(
    start: datetime, minutes: int, windows: Sequence[Window], zone: str
) -> bool:
    """Whether the call starting at `start` lies wholly inside one of the windows,
    read in the member's own zone on that date."""
    length = timedelta(minutes=minutes)
    around = _intervals(windows, zone, start - length, start + length)
    return any(lo <= start and start + length <= hi for lo, hi in around)


def slot_ics(
    *,
    uid: str,
    start: datetime,
    minutes: int,
    summary: str,
    description: str,
    now: datetime,
) -> bytes:
    """One invite, in UTC so that every calendar shows it in its owner's zone."""
    cal = Calendar()
    cal.add("prodid", "-//Grapevyne//Introductions//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", (start + timedelta(minutes=minutes)).astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "TENTATIVE")
    cal.add_component(event)
    return cal.to_ical()
