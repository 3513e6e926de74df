"""Auto-pause: which offers count as ignored, and who is paused for them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from introductions import selectors as intro_selectors
from introductions import services as intro_services
from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from matching import services, tasks
from matching.models import AutoPause
from profiles.models import Profile

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
WEEK = timedelta(days=7)

# One letter per offer to the member, oldest first:
#   I  ignored: expired without their answer
#   P  the partner declined, the deadline passed, the member never answered
#   Q  the partner declined, the deadline is still ahead (looks open to the member)
#   O  open, unanswered
#   a  open, the member accepted and waits for the partner
#   A  the member accepted (connected)
#   D  the member declined
#   W  withdrawn by Grapevyne before anyone answered
_STATES = {
    "I": ("expired", "", "", -1),
    "P": ("declined", "", "declined", -1),
    "Q": ("declined", "", "declined", +1),
    "O": ("offered", "", "", +1),
    "a": ("accepted_one", "accepted", "", +1),
    "A": ("connected", "accepted", "accepted", -1),
    "D": ("declined", "declined", "", -1),
    "W": ("withdrawn", "", "", -1),
}


def _offers(make_member, member, sequence: str) -> None:
    now = timezone.now()
    for age, letter in enumerate(reversed(sequence)):
        state, mine, theirs, deadline = _STATES[letter]
        partner = make_member()
        offered_at = now - (age + 1) * DAY
        intro = IntroductionFactory.create(
            member_a=member,
            member_b=partner,
            state=state,
            offered_at=offered_at,
            expires_at=now + deadline * timedelta(hours=1),
        )
        side = intro.side_of(member)
        other = "b" if side == "a" else "a"
        setattr(intro, f"{side}_response", mine)
        setattr(intro, f"{other}_response", theirs)
        intro.save()


@pytest.mark.parametrize(
    ("sequence", "paused"),
    [
        ("III", True),
        ("II", False),
        ("IIO", False),  # an open offer does not count...
        ("IIIO", True),  # ...nor does it save the member
        ("IIIOO", True),
        ("AIII", True),  # an older answer does not save three ignored offers
        ("IIIA", False),
        ("IAII", False),  # one answer among the last three
        ("IIID", False),  # a no is an answer
        ("IIIa", False),  # so is a yes still waiting for the partner
        ("IIP", True),  # the partner declined: still ignored by this member
        ("PPP", True),
        ("IIQ", False),  # before the deadline a partner's no looks open
        ("IIIQ", True),
        ("IIW", False),  # withdrawn offers are not the member's doing
        ("IWII", True),
        ("OOO", False),
        ("", False),
    ],
)
def test_the_auto_pause_table(make_member, sequence, paused):
    member = make_member()
    _offers(make_member, member, sequence)
    assert (services.members_auto_pause() == [member.pk]) is paused
    member.refresh_from_db()
    assert (member.intro_frequency == Profile.Frequency.PAUSED) is paused


def _weekly_offer(make_member, member, now) -> Introduction:
    intro = IntroductionFactory.create(
        member_a=member, member_b=make_member(), state="proposed"
    )
    return intro_services.intro_offer(intro=intro, now=now)


def _deadlines(now) -> None:
    for intro_id in intro_selectors.intro_ids_with_deadlines_due(now=now):
        intro_services.intro_apply_deadlines(intro_id=intro_id, now=now)


@pytest.mark.parametrize(
    "partner_answers", [None, "declined"], ids=["partner silent", "partner declines"]
)
def test_a_silent_member_is_paused_at_the_round_after_their_third_ignored_offer(
    make_member, partner_answers
):
    """Weekly rounds, offers lasting a week: the newest offer is always still open."""
    silent = make_member(intro_frequency=Profile.Frequency.WEEKLY)
    start = timezone.now()
    paused_at = None
    for week in range(6):
        now = start + week * WEEK + timedelta(minutes=1)
        _deadlines(now)
        if services.members_auto_pause(now=now) == [silent.pk]:
            paused_at = week
            break
        intro = _weekly_offer(make_member, silent, now)
        if partner_answers:
            partner = intro.other_member(silent)
            intro_services.intro_decline(intro=intro, member=partner, now=now)
    # Offers of weeks 0, 1 and 2 closed unanswered: the round of week 3 pauses.
    assert paused_at == 3


def test_an_engaged_member_who_answers_one_offer_in_three_is_never_paused(make_member):
    engaged = make_member(intro_frequency=Profile.Frequency.WEEKLY)
    start = timezone.now()
    for week in range(10):
        now = start + week * WEEK + timedelta(minutes=1)
        _deadlines(now)
        assert services.members_auto_pause(now=now) == []
        intro = _weekly_offer(make_member, engaged, now)
        if week % 3 == 0:
            intro_services.intro_decline(intro=intro, member=engaged, now=now)
    engaged.refresh_from_db()
    assert engaged.intro_frequency == Profile.Frequency.WEEKLY


def test_the_sweep_pauses_a_silent_member_before_the_next_round_not_a_week_later(
    make_member,
):
    """Offers go out five minutes after the weekly round and last a week, so the
    third ignored one closes just after a round: the round cannot count it, the
    sweep after the deadline task does, once, before the following round."""
    silent = make_member(intro_frequency=Profile.Frequency.WEEKLY)
    start = timezone.now()
    for week in range(3):
        _weekly_offer(make_member, silent, start + week * WEEK + 5 * MINUTE)
    third_closes = start + 3 * WEEK + 5 * MINUTE
    round_3 = start + 3 * WEEK
    _deadlines(round_3)
    assert services.members_auto_pause(now=round_3) == []
    sweep_at = third_closes + 15 * MINUTE
    with time_machine.travel(sweep_at, tick=False):
        _deadlines(sweep_at)
        assert tasks.auto_pause_sweep() == 1
        assert tasks.auto_pause_sweep() == 0
    silent.refresh_from_db()
    assert silent.intro_frequency == Profile.Frequency.PAUSED
    assert AutoPause.objects.filter(profile=silent).count() == 1
