from datetime import timedelta

import pytest
from django.utils import timezone

from introductions import services
from introductions.models import Introduction, OutboxEmail
from introductions.selectors import intros_closed_since_last_offer
from profiles.factories import ProfileFactory

from .conftest import race

State = Introduction.State


def kinds(intro):
    return sorted(
        OutboxEmail.objects.filter(intro=intro).values_list("kind", "recipient_id")
    )


def test_offering_invites_both_members_at_once(make_intro):
    intro = make_intro()

    intro = services.intro_offer(intro=intro)

    assert intro.state == State.OFFERED
    assert intro.expires_at - intro.offered_at == timedelta(days=7)
    assert kinds(intro) == sorted(
        [("offer", intro.member_a_id), ("offer", intro.member_b_id)]
    )


def test_it_refuses_to_offer_an_intro_twice(offered):
    with pytest.raises(services.IntroTransitionError):
        services.intro_offer(intro=offered)
    assert OutboxEmail.objects.filter(intro=offered).count() == 2


def test_one_accept_waits_for_the_other(offered):
    intro = services.intro_accept(intro=offered, member=offered.member_a)

    assert intro.state == State.ACCEPTED_ONE
    assert intro.a_response == Introduction.Response.ACCEPTED
    assert intro.a_responded_at is not None
    assert not OutboxEmail.objects.filter(intro=intro, kind="connected").exists()


def test_the_second_accept_connects_them_and_emails_both(offered):
    services.intro_accept(intro=offered, member=offered.member_b)
    intro = services.intro_accept(intro=offered, member=offered.member_a)

    assert intro.state == State.CONNECTED
    assert intro.connected_at is not None
    assert len(intro.proposed_slots) == 3
    assert intro.call_minutes == 20
    assert OutboxEmail.objects.filter(intro=intro, kind="connected").count() == 2


def test_it_refuses_a_second_accept_from_the_same_member(offered):
    services.intro_accept(intro=offered, member=offered.member_a)
    before = Introduction.objects.get(pk=offered.pk)

    with pytest.raises(services.IntroTransitionError):
        services.intro_accept(intro=offered, member=offered.member_a)

    after = Introduction.objects.get(pk=offered.pk)
    assert (after.state, after.a_responded_at) == (before.state, before.a_responded_at)


def test_it_refuses_an_answer_from_someone_outside_the_intro(offered):
    stranger = ProfileFactory()

    with pytest.raises(services.NotPartOfIntro):
        services.intro_accept(intro=offered, member=stranger)
    with pytest.raises(services.NotPartOfIntro):
        services.intro_decline(intro=offered, member=stranger)
    assert Introduction.objects.get(pk=offered.pk).state == State.OFFERED


def test_it_refuses_to_accept_a_proposed_intro(make_intro):
    intro = make_intro()

    with pytest.raises(services.IntroTransitionError):
        services.intro_accept(intro=intro, member=intro.member_a)
    assert Introduction.objects.get(pk=intro.pk).a_response == ""


def test_it_refuses_to_accept_after_the_deadline(offered):
    late = offered.expires_at + timedelta(seconds=1)

    with pytest.raises(services.IntroTransitionError):
        services.intro_accept(intro=offered, member=offered.member_a, now=late)
    assert Introduction.objects.get(pk=offered.pk).state == State.OFFERED


def test_a_decline_closes_the_intro_and_keeps_the_reason_private(offered):
    intro = services.intro_decline(
        intro=offered, member=offered.member_b, reason="not_my_field"
    )

    assert intro.state == State.DECLINED
    assert intro.closed_at is not None
    assert intro.b_decline_reason == "not_my_field"
    # The other side hears nothing before the deadline.
    assert kinds(intro) == sorted(
        [("offer", intro.member_a_id), ("offer", intro.member_b_id)]
    )


def test_a_decline_after_an_accept_closes_it_too(offered):
    services.intro_accept(intro=offered, member=offered.member_a)

    intro = services.intro_decline(intro=offered, member=offered.member_b)

    assert intro.state == State.DECLINED
    assert intro.a_response == "accepted"


def test_after_a_decline_the_other_can_still_answer_so_nobody_can_tell(offered):
    services.intro_decline(intro=offered, member=offered.member_a)

    intro = services.intro_accept(intro=offered, member=offered.member_b)

    assert intro.state == State.DECLINED
    assert intro.b_response == "accepted"
    assert not OutboxEmail.objects.filter(intro=intro, kind="connected").exists()


def test_it_refuses_an_unknown_decline_reason(offered):
    with pytest.raises(ValueError, match="reason"):
        services.intro_decline(intro=offered, member=offered.member_a, reason="rude")
    assert Introduction.objects.get(pk=offered.pk).state == State.OFFERED


def test_it_refuses_to_decline_a_connected_intro(offered):
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_accept(intro=offered, member=offered.member_b)

    with pytest.raises(services.IntroTransitionError):
        services.intro_decline(intro=offered, member=offered.member_a)
    assert Introduction.objects.get(pk=offered.pk).state == State.CONNECTED


def test_an_overdue_offer_expires_without_an_email_of_its_own(offered):
    services.intro_accept(intro=offered, member=offered.member_a)

    intro = services.intro_expire(intro=offered, now=offered.expires_at)

    assert intro.state == State.EXPIRED
    assert intro.closed_notice_at == offered.expires_at
    assert not OutboxEmail.objects.filter(intro=intro).exclude(kind="offer")


def test_it_refuses_to_expire_an_offer_before_its_deadline(offered):
    with pytest.raises(services.IntroTransitionError):
        services.intro_expire(intro=offered, now=offered.expires_at - timedelta(1))
    assert Introduction.objects.get(pk=offered.pk).state == State.OFFERED


def test_it_refuses_to_expire_a_connected_intro(offered):
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_accept(intro=offered, member=offered.member_b)

    with pytest.raises(services.IntroTransitionError):
        services.intro_expire(intro=offered, now=offered.expires_at + timedelta(1))
    assert Introduction.objects.get(pk=offered.pk).state == State.CONNECTED


def test_withdrawing_an_offer_cancels_its_unsent_emails(offered):
    intro = services.intro_withdraw(intro=offered)

    assert intro.state == State.WITHDRAWN
    assert set(
        OutboxEmail.objects.filter(intro=intro).values_list("status", flat=True)
    ) == {"cancelled"}


def test_it_refuses_to_withdraw_a_closed_intro(offered):
    services.intro_decline(intro=offered, member=offered.member_a)
    # Closed for both once the other side has been told, at the deadline; before
    # that it looks open to them and is withdrawn like an open intro.
    services.intro_close_declined(intro=offered, now=offered.expires_at)

    with pytest.raises(services.IntroTransitionError):
        services.intro_withdraw(intro=offered)
    assert Introduction.objects.get(pk=offered.pk).state == State.DECLINED


def test_a_declined_intro_the_other_side_still_sees_open_is_withdrawn_like_one(
    offered,
):
    services.intro_decline(intro=offered, member=offered.member_a)

    services.intro_withdraw(intro=offered)

    fresh = Introduction.objects.get(pk=offered.pk)
    assert fresh.state == State.WITHDRAWN
    assert fresh.a_response == Introduction.Response.DECLINED  # still on record


def test_the_declined_side_is_told_only_at_the_deadline(offered):
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_decline(intro=offered, member=offered.member_b)

    with pytest.raises(services.IntroTransitionError):
        services.intro_close_declined(intro=offered, now=timezone.now())
    services.intro_close_declined(intro=offered, now=offered.expires_at)

    assert Introduction.objects.get(pk=offered.pk).closed_notice_at is not None
    assert intros_closed_since_last_offer(
        member=offered.member_a, now=offered.expires_at
    ) == [offered]
    assert not intros_closed_since_last_offer(
        member=offered.member_b, now=offered.expires_at
    )


# --- Races, with two real database connections ---------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_connect_the_pair_exactly_once(make_intro):
    intro = services.intro_offer(intro=make_intro())

    outcomes = race(
        lambda: services.intro_accept(intro=intro, member=intro.member_a),
        lambda: services.intro_accept(intro=intro, member=intro.member_b),
    )

    assert all(isinstance(o, Introduction) for o in outcomes)
    assert sorted(o.state for o in outcomes) == ["accepted_one", "connected"]
    intro.refresh_from_db()
    assert intro.state == State.CONNECTED
    assert (intro.a_response, intro.b_response) == ("accepted", "accepted")
    assert OutboxEmail.objects.filter(intro=intro, kind="connected").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_from_one_member_count_once(make_intro):
    intro = services.intro_offer(intro=make_intro())

    outcomes = race(
        lambda: services.intro_accept(intro=intro, member=intro.member_a),
        lambda: services.intro_accept(intro=intro, member=intro.member_a),
    )

    winners = [o for o in outcomes if isinstance(o, Introduction)]
    losers = [o for o in outcomes if isinstance(o, services.IntroTransitionError)]
    assert (len(winners), len(losers)) == (1, 1)
    intro.refresh_from_db()
    assert intro.state == State.ACCEPTED_ONE


@pytest.mark.django_db(transaction=True)
def test_an_accept_racing_a_decline_leaves_one_consistent_outcome(make_intro):
    intro = services.intro_offer(intro=make_intro())

    race(
        lambda: services.intro_accept(intro=intro, member=intro.member_a),
        lambda: services.intro_decline(intro=intro, member=intro.member_b),
    )

    intro.refresh_from_db()
    assert intro.state == State.DECLINED
    assert (intro.a_response, intro.b_response) == ("accepted", "declined")
    assert not OutboxEmail.objects.filter(intro=intro, kind="connected").exists()
