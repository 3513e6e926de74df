from datetime import timedelta

import pytest
import time_machine

from introductions import selectors, services, tasks
from introductions.models import Introduction, OutboxEmail
from profiles.models import Profile

START = "2026-06-01 12:00Z"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def offer(clock, make_intro):
    return services.intro_offer(intro=make_intro())


def run_beat():
    """What beat does, with the chunk tasks run in this process."""
    ids = selectors.intro_ids_with_deadlines_due()
    if ids:
        tasks.apply_deadlines.apply(args=[ids]).get()
    return ids


def emails(intro, kind):
    return sorted(
        OutboxEmail.objects.filter(intro=intro, kind=kind).values_list(
            "recipient_id", flat=True
        )
    )


def test_nothing_is_due_before_the_reminder_day(clock, offer):
    clock.shift(timedelta(days=2, hours=23))

    assert run_beat() == []


def test_one_reminder_goes_at_day_three_to_who_has_not_answered(clock, offer):
    services.intro_accept(intro=offer, member=offer.member_a)
    clock.shift(timedelta(days=3))

    run_beat()
    run_beat()

    assert emails(offer, "reminder") == [offer.member_b_id]
    assert Introduction.objects.get(pk=offer.pk).reminded_at is not None


def test_a_paused_member_gets_no_reminder(clock, offer):
    Profile.objects.filter(pk=offer.member_a_id).update(intro_frequency="paused")
    clock.shift(timedelta(days=3))

    run_beat()

    assert emails(offer, "reminder") == [offer.member_b_id]


def test_offers_expire_after_seven_days(clock, offer):
    clock.shift(timedelta(days=6, hours=23))
    run_beat()
    assert Introduction.objects.get(pk=offer.pk).state == "offered"

    clock.shift(timedelta(hours=1))
    run_beat()
    run_beat()

    assert Introduction.objects.get(pk=offer.pk).state == "expired"
    # Said on the dashboard and in the next offer, not in an email of its own.
    assert emails(offer, "closed") == []


def test_a_decline_is_told_to_the_other_side_only_at_the_deadline(clock, offer):
    services.intro_decline(intro=offer, member=offer.member_b)
    clock.shift(timedelta(days=3))
    run_beat()
    # The member who has not answered is reminded as if nobody had answered
    # (this asserted no reminder, which told them the other had declined).
    assert emails(offer, "reminder") == [offer.member_a_id]
    assert emails(offer, "closed") == []

    clock.shift(timedelta(days=4))
    run_beat()

    assert Introduction.objects.get(pk=offer.pk).closed_notice_at is not None
    assert emails(offer, "closed") == []


def test_the_follow_up_comes_ten_days_after_connecting(clock, offer):
    clock.shift(timedelta(days=1))
    services.intro_accept(intro=offer, member=offer.member_a)
    services.intro_accept(intro=offer, member=offer.member_b)
    clock.shift(timedelta(days=9, hours=23))
    run_beat()
    assert emails(offer, "follow_up") == []

    clock.shift(timedelta(hours=1))
    run_beat()
    run_beat()

    assert emails(offer, "follow_up") == sorted([offer.member_a_id, offer.member_b_id])
    follow_up = OutboxEmail.objects.filter(intro=offer, kind="follow_up").first()
    assert "/intros/feedback/" in follow_up.text_body
    assert "Not yet" in follow_up.text_body
