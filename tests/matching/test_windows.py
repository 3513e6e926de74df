"""Call windows in bulk agree with the connected email's slot search, and count
when pairing."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from introductions.calendar import propose_slots
from matching.pairing import pair_round
from matching.windows import LENGTHS, window_sets

from .test_pairing import lists_from_edges

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "America/Los_Angeles",
]
# The horizon (24 hours from now, for 21 days) holds a daylight-saving change:
# the United States on March 8, 2026, Europe on March 29; Sydney on April 5 and
# Europe again on October 25.
DST_WEEKS = [
    datetime(2026, 3, 3, 9, 7, tzinfo=UTC),
    datetime(2026, 3, 20, 16, 0, tzinfo=UTC),
    datetime(2026, 10, 14, 23, 52, tzinfo=UTC),
]


def random_windows(rng):
    """0 to 3 weekly windows between 06:00 and 23:00 local (away from the hours
    clocks change, so that wall-clock containment below is unambiguous), on
    minutes that are not always quarter hours."""
    out = []
    for _ in range(rng.integers(0, 4)):
        start = int(rng.integers(6 * 60, 22 * 60))
        end = min(23 * 60, start + int(rng.integers(10, 240)))
        out.append(
            (
                int(rng.integers(0, 7)),
                time(start // 60, start % 60),
                time(end // 60, end % 60),
            )
        )
    return tuple(out)


def inside(slot, minutes, windows, zone):
    """The call lies, wall-clock, inside one of the windows (no windows: weekday
    working hours, as the email assumes)."""
    windows = windows or tuple((d, time(9), time(17)) for d in range(5))
    lo = slot.astimezone(ZoneInfo(zone))
    hi = (slot + timedelta(minutes=minutes)).astimezone(ZoneInfo(zone))
    return any(
        lo.date() == hi.date()
        and lo.weekday() == day
        and start <= lo.time()
        and hi.time() <= end
        for day, start, end in windows
    )


@pytest.mark.parametrize("now", DST_WEEKS)
def test_bulk_overlap_agrees_with_the_per_pair_slot_search(now):
    rng = np.random.default_rng(now.day)
    n = 28
    members = [
        (str(rng.choice(ZONES)), random_windows(rng), int(rng.choice(LENGTHS)))
        for _ in range(n)
    ]
    distinct = sorted({(z, w) for z, w, _ in members})
    sets = window_sets(
        distinct,
        np.array([distinct.index((z, w)) for z, w, _ in members]),
        np.array([m for _, _, m in members]),
        now=now,
    )
    a, b = np.triu_indices(n, 1)
    bulk = sets.overlap(a, b)
    agree = {True: 0, False: 0}
    for x, y, overlap in zip(a.tolist(), b.tolist(), bulk.tolist(), strict=True):
        (za, wa, ma), (zb, wb, mb) = members[x], members[y]
        minutes = max(ma, mb)
        slots = propose_slots(
            windows_a=wa,
            zone_a=za,
            windows_b=wb,
            zone_b=zb,
            minutes=minutes,
            now=now,
            count=1,
        )
        # The search fills from slots inside both windows first.
        both = bool(slots) and (
            inside(slots[0], minutes, wa, za) and inside(slots[0], minutes, wb, zb)
        )
        assert overlap == both, (members[x], members[y])
        agree[overlap] += 1
    # Both answers are exercised.
    assert agree[True] > 20
    assert agree[False] > 20


def test_a_window_that_overlaps_only_outside_daylight_saving_weeks():
    # 09:00-09:30 in New York and 14:00-14:30 in London, on Mondays, are the same
    # UTC half hour only while both are on standard (or both on summer) time;
    # between March 8 and March 29, 2026 they are an hour apart.
    ny = ("America/New_York", ((0, time(9), time(9, 30)),))
    london = ("Europe/London", ((0, time(14), time(14, 30)),))

    def overlap(now):
        sets = window_sets([ny, london], np.array([0, 1]), np.array([30, 15]), now=now)
        return bool(sets.overlap(np.array([0]), np.array([1]))[0])

    assert overlap(datetime(2026, 2, 20, tzinfo=UTC))
    assert not overlap(datetime(2026, 3, 7, 12, tzinfo=UTC))
    assert overlap(datetime(2026, 3, 22, tzinfo=UTC))


def test_the_longer_meeting_length_decides():
    # A 20-minute common window: enough for 15 or 20 minutes, not for 30.
    a = ("UTC", ((2, time(10), time(10, 20)),))
    b = ("UTC", ((2, time(10), time(11)),))
    now = datetime(2026, 5, 4, tzinfo=UTC)
    for minutes_a, minutes_b, expected in (
        (15, 20, True),
        (20, 20, True),
        (15, 30, False),
    ):
        sets = window_sets(
            [a, b], np.array([0, 1]), np.array([minutes_a, minutes_b]), now=now
        )
        assert bool(sets.overlap(np.array([0]), np.array([1]))[0]) == expected


# ------------------------------------------------------------------ when pairing


def pairing_windows(n, early, now=datetime(2026, 5, 4, tzinfo=UTC)):
    """Members in `early` take calls on Mondays 07:00-08:00 UTC, the others on
    Mondays 18:00-19:00 UTC: two members can meet iff both are early or neither."""
    morning = ("UTC", ((0, time(7), time(8)),))
    evening = ("UTC", ((0, time(18), time(19)),))
    return window_sets(
        [morning, evening],
        np.array([0 if m in early else 1 for m in range(n)]),
        np.full(n, 20),
        now=now,
    )


def test_a_partner_inside_both_windows_is_preferred_to_a_better_score():
    # 0's best candidate is 1, but only 2 shares 0's call windows.
    edges = {(0, 1): 0.9, (0, 2): 0.5, (1, 3): 0.2}
    cand, score = lists_from_edges(4, edges)
    pairs = pair_round(
        cand,
        score,
        capacity=np.ones(4, np.int32),
        exposure_cap=1,
        priority=np.arange(4),
        windows=pairing_windows(4, early={0, 2}),
    )
    assert {tuple(p) for p in pairs.tolist()} == {(0, 2), (1, 3)}


def test_a_pair_outside_windows_is_used_when_nobody_overlaps():
    edges = {(0, 1): 0.9, (0, 2): 0.5}
    cand, score = lists_from_edges(3, edges)
    pairs = pair_round(
        cand,
        score,
        capacity=np.ones(3, np.int32),
        exposure_cap=1,
        priority=np.arange(3),
        windows=pairing_windows(3, early={0}),
    )
    assert {tuple(p) for p in pairs.tolist()} == {(0, 1)}


@pytest.mark.django_db
def test_a_round_pairs_members_who_can_meet_before_a_better_score(
    make_member, goal_kind
):
    from matching import services
    from matching.models import Round, RoundPair
    from profiles.models import CallWindow

    from .conftest import interest_named

    mentorship = goal_kind("Mentorship")
    rare, second = interest_named("Wilderness medicine"), interest_named("Rowing")
    seeker = make_member(
        [rare, second, "Opera"], seeks=[(mentorship, rare)], time_zone="UTC"
    )
    # The best by score shares two interests, but calls only on Sunday nights.
    night_owl = make_member(
        [rare, second, "Chess"], offers=[(mentorship, rare)], time_zone="UTC"
    )
    CallWindow.objects.create(
        profile=night_owl, weekday=6, start=time(21), end=time(23)
    )
    # Both of these keep the default weekday working hours.
    neighbour = make_member(
        [rare, "Sailing", "Chess"], offers=[(mentorship, rare)], time_zone="UTC"
    )
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    round_ = services.round_run_sync(round_id=round_.pk)
    pair = RoundPair.objects.get(round=round_)
    assert {pair.member_a_id, pair.member_b_id} == {seeker.pk, neighbour.pk}
    assert round_.pairs_outside_windows == 0
    assert round_.members_served == 2
    assert round_.members_with_candidate == 3


def test_a_round_counts_a_pair_it_made_outside_windows(make_member, goal_kind):
    from matching import services
    from matching.models import Round, RoundPair
    from profiles.models import CallWindow

    from .conftest import interest_named

    mentorship = goal_kind("Mentorship")
    rare = interest_named("Wilderness medicine")
    # Three interests each, as a complete profile has.
    seeker = make_member(
        [rare, "Opera", "Rowing"], seeks=[(mentorship, rare)], time_zone="UTC"
    )
    night_owl = make_member(
        [rare, "Chess", "Sailing"], offers=[(mentorship, rare)], time_zone="UTC"
    )
    CallWindow.objects.create(
        profile=night_owl, weekday=6, start=time(21), end=time(23)
    )

    round_ = services.round_run_sync(
        round_id=services.round_create(trigger=Round.Trigger.COMMAND).pk
    )

    pair = RoundPair.objects.get(round=round_)
    assert {pair.member_a_id, pair.member_b_id} == {seeker.pk, night_owl.pk}
    assert round_.pairs_outside_windows == 1
