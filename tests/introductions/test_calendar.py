from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from introductions.calendar import propose_slots, slot_ics

NY, PARIS = "America/New_York", "Europe/Paris"
WEEKDAYS_9_TO_17 = [(d, time(9), time(17)) for d in range(5)]


def test_slots_fall_inside_both_members_windows_in_their_own_zones():
    # New York mornings overlap Paris afternoons.
    slots = propose_slots(
        windows_a=WEEKDAYS_9_TO_17,
        zone_a=NY,
        windows_b=WEEKDAYS_9_TO_17,
        zone_b=PARIS,
        minutes=20,
        now=datetime(2026, 6, 1, 12, tzinfo=UTC),
    )

    assert len(slots) == 3
    assert len({s.date() for s in slots}) == 3
    for slot in slots:
        for zone in (NY, PARIS):
            local_start = slot.astimezone(ZoneInfo(zone))
            local_end = (slot + timedelta(minutes=20)).astimezone(ZoneInfo(zone))
            assert local_start.weekday() < 5
            assert time(9) <= local_start.time()
            assert local_end.time() <= time(17)


def test_slots_keep_local_hours_across_a_daylight_saving_change():
    # Europe moves its clocks on 29 March 2026, New York on 8 March: between the
    # two, Paris is only five hours ahead.
    slots = propose_slots(
        windows_a=[(d, time(8), time(9)) for d in range(7)],
        zone_a=NY,
        windows_b=[(d, time(13), time(14)) for d in range(7)],
        zone_b=PARIS,
        minutes=30,
        now=datetime(2026, 3, 20, 12, tzinfo=UTC),
        count=9,
    )

    # From the 29th the windows no longer overlap, and no slot is offered outside
    # them while they still overlap earlier in the horizon.
    assert [s.date().isoformat() for s in slots] == [
        f"2026-03-{day}" for day in range(21, 29)
    ]
    for slot in slots:
        assert slot.astimezone(ZoneInfo(NY)).hour == 8
        assert slot.astimezone(ZoneInfo(PARIS)).hour == 13


def test_without_overlap_one_window_is_used_at_a_reasonable_hour_for_the_other():
    # 06:00 in Paris is midnight in New York; 06:00 in New York is noon in Paris.
    slots = propose_slots(
        windows_a=[(0, time(6), time(7))],
        zone_a=PARIS,
        windows_b=[(0, time(6), time(7))],
        zone_b=NY,
        minutes=20,
        now=datetime(2026, 6, 1, tzinfo=UTC),
    )

    assert len(slots) == 3
    for slot in slots:
        in_new_york = slot.astimezone(ZoneInfo(NY))
        assert (in_new_york.weekday(), in_new_york.hour) == (0, 6)
        assert 7 <= slot.astimezone(ZoneInfo(PARIS)).hour < 22


def test_overlapping_windows_come_before_fallback_hours():
    slots = propose_slots(
        windows_a=[(2, time(12), time(13))],
        zone_a="UTC",
        windows_b=[(2, time(12), time(13))],
        zone_b="UTC",
        minutes=20,
        now=datetime(2026, 6, 1, tzinfo=UTC),
        count=3,
    )

    assert [s.weekday() for s in slots] == [2, 2, 2]
    assert {s.time() for s in slots} == {time(12)}


def test_slots_start_a_day_ahead_at_the_earliest():
    now = datetime(2026, 6, 1, 10, tzinfo=UTC)  # a Monday

    slots = propose_slots(
        windows_a=[],
        zone_a="UTC",
        windows_b=[],
        zone_b="UTC",
        minutes=20,
        now=now,
    )

    assert slots[0] == datetime(2026, 6, 2, 10, tzinfo=UTC)


def test_an_invite_parses_back_with_its_time_and_length():
    start = datetime(2026, 6, 2, 14, 30, tzinfo=UTC)

    ics = slot_ics(
        uid="intro-1-slot-1@grapevyne",
        start=start,
        minutes=20,
        summary="20-minute call",
        description="Listening first.",
        now=datetime(2026, 6, 1, tzinfo=UTC),
    )

    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=20)
    assert str(event["uid"]) == "intro-1-slot-1@grapevyne"
