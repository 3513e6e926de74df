"""Cadences: each member's phase, their due date, and pools that mix."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from matching import selectors
from profiles.models import Profile

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)
# A Tuesday at 14:00 UTC, when the scheduled round runs by default.
TUESDAY = datetime(2027, 3, 2, 14, 0, tzinfo=UTC)
CADENCE = {
    Profile.Frequency.WEEKLY: 1,
    Profile.Frequency.BIWEEKLY: 2,
    Profile.Frequency.MONTHLY: 4,
}


def eligible_ids(now: datetime) -> set[int]:
    return set(selectors.members_eligible(now=now).ids.tolist())


def in_phase(member: Profile, weeks: int) -> datetime:
    """The first Tuesday round from TUESDAY on that falls in the member's phase."""
    ahead = (member.pk - selectors.round_week(TUESDAY)) % weeks
    return TUESDAY + ahead * WEEK


def test_a_round_week_holds_from_one_tuesday_round_to_the_next_early_or_late():
    week = selectors.round_week(TUESDAY)
    assert selectors.round_week(TUESDAY - timedelta(hours=12)) == week
    assert selectors.round_week(TUESDAY + timedelta(days=1)) == week
    assert selectors.round_week(TUESDAY + WEEK) == week + 1


def test_cadence_phases_across_two_months_of_weekly_rounds(make_member):
    """Every round: all weekly members, half the biweekly, a quarter of the monthly."""
    members = {
        frequency: [make_member(intro_frequency=frequency) for _ in range(count)]
        for frequency, count in (
            (Profile.Frequency.WEEKLY, 3),
            (Profile.Frequency.BIWEEKLY, 8),
            (Profile.Frequency.MONTHLY, 8),
        )
    }
    frequency_of = {m.pk: f for f, group in members.items() for m in group}
    # Each introduced last at the round of their phase before the first one here.
    for frequency, group in members.items():
        weeks = CADENCE[frequency]
        for member in group:
            Profile.objects.filter(pk=member.pk).update(
                last_intro_at=in_phase(member, weeks) - weeks * WEEK
            )
    weeks_in: dict[int, list[int]] = {pk: [] for pk in frequency_of}
    for week in range(8):
        # Rounds run on a schedule, give or take an hour.
        now = TUESDAY + week * WEEK + timedelta(hours=(-1) ** week)
        pool = eligible_ids(now)
        assert pool <= set(frequency_of)
        mix = Counter(frequency_of[pk] for pk in pool)
        assert mix == {
            Profile.Frequency.WEEKLY: 3,
            Profile.Frequency.BIWEEKLY: 4,
            Profile.Frequency.MONTHLY: 2,
        }, f"week {week}"
        for pk in pool:
            weeks_in[pk].append(week)
        # Everyone in the pool is introduced this round.
        Profile.objects.filter(pk__in=pool).update(last_intro_at=now)
    for pk, weeks in weeks_in.items():
        step = CADENCE[frequency_of[pk]]
        assert weeks == list(range(weeks[0], 8, step)), frequency_of[pk]
        assert weeks[0] < step


@pytest.mark.parametrize(
    ("frequency", "days_ago", "due"),
    [
        (Profile.Frequency.WEEKLY, 3, False),
        (Profile.Frequency.WEEKLY, 7, True),
        (Profile.Frequency.BIWEEKLY, 10, False),
        (Profile.Frequency.BIWEEKLY, 14, True),
        (Profile.Frequency.MONTHLY, 21, False),
        (Profile.Frequency.MONTHLY, 28, True),
    ],
)
def test_in_their_phase_a_member_is_due_once_their_cadence_passed(
    make_member, frequency, days_ago, due
):
    member = make_member(intro_frequency=frequency)
    now = in_phase(member, CADENCE[frequency])
    Profile.objects.filter(pk=member.pk).update(
        last_intro_at=now - timedelta(days=days_ago)
    )
    assert (member.pk in eligible_ids(now)) is due


def test_the_due_date_follows_the_last_offer_with_grace_for_an_early_round(
    make_member,
):
    member = make_member(intro_frequency=Profile.Frequency.BIWEEKLY)
    offered = in_phase(member, 2)
    Profile.objects.filter(pk=member.pk).update(last_intro_at=offered)
    assert member.pk not in eligible_ids(offered + WEEK)
    # Two weeks on, a round that starts an hour early still serves them...
    assert member.pk in eligible_ids(offered + 2 * WEEK - timedelta(hours=1))
    # ...but not one that starts two days early.
    assert member.pk not in eligible_ids(offered + 2 * WEEK - timedelta(days=2))


def test_a_member_introduced_off_their_phase_waits_for_their_next_phase_round(
    make_member,
):
    member = make_member(intro_frequency=Profile.Frequency.MONTHLY)
    offered = in_phase(member, 4) + WEEK  # e.g. their first intro as a newcomer
    Profile.objects.filter(pk=member.pk).update(last_intro_at=offered)
    rounds = [offered + week * WEEK for week in range(1, 9)]
    served = [
        week for week, now in enumerate(rounds, 1) if member.pk in eligible_ids(now)
    ]
    # Due four weeks on, off phase; the first round of their phase is a week later.
    assert served[0] == 7


def test_a_member_never_introduced_or_idle_two_cadences_is_due_in_any_round(
    make_member,
):
    monthly = Profile.Frequency.MONTHLY
    newcomers = [make_member(intro_frequency=monthly) for _ in range(4)]
    idle = [
        make_member(intro_frequency=monthly, last_intro_at=TUESDAY - 8 * WEEK)
        for _ in range(4)
    ]
    for week in range(4):
        assert eligible_ids(TUESDAY + week * WEEK) == {m.pk for m in newcomers + idle}
