from datetime import date, timedelta

import numpy as np
import pytest
from django.utils import timezone

from introductions import outbox
from introductions.factories import IntroductionFactory
from introductions.models import Introduction, OutboxEmail
from matching import selectors, services
from matching.models import AutoPause, LeftOut, Round
from profiles.factories import UserFactory
from profiles.models import Interest, Profile

from .conftest import interest_named

pytestmark = pytest.mark.django_db


def eligible_ids() -> set[int]:
    return set(selectors.members_eligible().ids.tolist())


def test_a_complete_verified_due_member_is_eligible(make_member):
    member = make_member()
    assert eligible_ids() == {member.pk}


def test_it_skips_a_member_without_a_verified_email(make_member):
    make_member(user=UserFactory(verified=False))
    assert eligible_ids() == set()


def test_it_skips_an_inactive_user(make_member):
    make_member(user=UserFactory(is_active=False))
    assert eligible_ids() == set()


def test_it_counts_only_active_interests(make_member):
    retired = interest_named("Old tag", status=Interest.Status.RETIRED)
    short = make_member(["Medical journalism", "AI in medicine", retired])
    full = make_member(["Medical journalism", "AI in medicine", "Global health"])
    assert eligible_ids() == {full.pk}
    assert short.pk not in eligible_ids()


def test_a_sensitive_interest_counts_towards_the_minimum(make_member):
    burnout = interest_named("Burnout", sensitive=True)
    member = make_member(["Medical journalism", "AI in medicine", burnout])
    assert eligible_ids() == {member.pk}


def test_it_skips_a_member_paused_by_frequency(make_member):
    make_member(intro_frequency=Profile.Frequency.PAUSED)
    assert eligible_ids() == set()


def test_it_skips_a_member_paused_until_a_future_date(make_member):
    later = make_member(paused_until=timezone.localdate() + timedelta(days=3))
    back = make_member(paused_until=date(2000, 1, 1))
    assert eligible_ids() == {back.pk}
    assert later.pk not in eligible_ids()


def test_it_skips_a_member_at_their_open_intro_limit(make_member):
    full, other, third = make_member(max_open_intros=1), make_member(), make_member()
    IntroductionFactory(member_a=full, member_b=other, state=Introduction.State.OFFERED)
    IntroductionFactory(
        member_a=third, member_b=other, state=Introduction.State.CONNECTED
    )
    members = selectors.members_eligible()
    assert set(members.ids.tolist()) == {other.pk, third.pk}
    room = dict(zip(members.ids.tolist(), members.room.tolist(), strict=True))
    # One open intro of two; the connected one no longer counts.
    assert room == {other.pk: 1, third.pk: 2}


def test_members_left_out_last_round_come_first_then_who_waited_longest(
    make_member,
):
    now, weekly = timezone.now(), Profile.Frequency.WEEKLY
    recent = make_member(last_intro_at=now - timedelta(days=8), intro_frequency=weekly)
    older = make_member(last_intro_at=now - timedelta(days=30), intro_frequency=weekly)
    never = make_member(intro_frequency=weekly)
    left_out = make_member(
        last_intro_at=now - timedelta(days=7), intro_frequency=weekly
    )
    done = Round.objects.create(
        trigger=Round.Trigger.COMMAND, status=Round.Status.DONE, finished_at=now
    )
    LeftOut.objects.create(
        round=done, member=left_out, reason=LeftOut.Reason.ODD_ONE_OUT
    )
    members = selectors.members_eligible()
    priority = selectors.member_priority(
        members, selectors.members_left_out_last_round()
    )
    ranked = [
        pk
        for _, pk in sorted(zip(priority.tolist(), members.ids.tolist(), strict=True))
    ]
    assert ranked == [left_out.pk, never.pk, older.pk, recent.pk]


def test_a_dry_runs_left_out_members_get_no_precedence(make_member):
    member = make_member()
    dry = Round.objects.create(
        trigger=Round.Trigger.ADMIN, status=Round.Status.DONE, dry_run=True
    )
    LeftOut.objects.create(round=dry, member=member, reason=LeftOut.Reason.CAPACITY)
    assert selectors.members_left_out_last_round().tolist() == []


def _offer(member, other, *, days_ago, state, response=""):
    intro = IntroductionFactory(
        member_a=member,
        member_b=other,
        state=state,
        offered_at=timezone.now() - timedelta(days=days_ago),
    )
    side = "a_response" if intro.member_a_id == member.pk else "b_response"
    setattr(intro, side, response)
    intro.save()
    return intro


def test_a_member_who_let_their_last_three_offers_expire_is_paused_and_told(
    make_member, mailoutbox
):
    absent, others = make_member(), [make_member() for _ in range(3)]
    for days, other in enumerate(others):
        _offer(absent, other, days_ago=days + 1, state="expired")

    paused = services.members_auto_pause()

    assert paused == [absent.pk]
    absent.refresh_from_db()
    assert absent.intro_frequency == Profile.Frequency.PAUSED
    assert AutoPause.objects.filter(profile=absent).count() == 1
    assert absent.pk not in eligible_ids()
    email = OutboxEmail.objects.get(recipient=absent, kind="auto_pause")
    assert outbox.outbox_send(outbox_id=email.pk) is True
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [absent.user.email]
    assert "paused" in mailoutbox[0].subject
    assert "One click turns introductions back on" in mailoutbox[0].body


def test_the_pause_email_is_queued_only_after_commit(
    make_member, django_capture_on_commit_callbacks
):
    absent, others = make_member(), [make_member() for _ in range(3)]
    for days, other in enumerate(others):
        _offer(absent, other, days_ago=days + 1, state="expired")
    with django_capture_on_commit_callbacks() as callbacks:
        services.members_auto_pause()
    assert len(callbacks) == 1


def test_it_does_not_pause_a_member_who_answered_one_of_their_last_three(make_member):
    member, others = make_member(), [make_member() for _ in range(3)]
    _offer(member, others[0], days_ago=1, state="expired")
    _offer(member, others[1], days_ago=2, state="expired", response="accepted")
    _offer(member, others[2], days_ago=3, state="expired")
    assert services.members_auto_pause() == []


def test_it_does_not_pause_after_only_two_expired_offers(make_member):
    member, others = make_member(), [make_member() for _ in range(2)]
    for days, other in enumerate(others):
        _offer(member, other, days_ago=days + 1, state="expired")
    assert services.members_auto_pause() == []


def test_an_older_answered_offer_does_not_save_three_recent_expired_ones(make_member):
    member, others = make_member(), [make_member() for _ in range(4)]
    _offer(member, others[0], days_ago=30, state="connected")
    for days, other in enumerate(others[1:]):
        _offer(member, other, days_ago=days + 1, state="expired")
    assert services.members_auto_pause() == [member.pk]


def test_a_member_who_resumed_is_not_paused_again_for_the_same_offers(make_member):
    member, others = make_member(), [make_member() for _ in range(3)]
    for days, other in enumerate(others):
        _offer(member, other, days_ago=days + 1, state="expired")
    assert services.members_auto_pause() == [member.pk]
    Profile.objects.filter(pk=member.pk).update(
        intro_frequency=Profile.Frequency.WEEKLY
    )
    assert services.members_auto_pause() == []


def test_copy_out_reads_every_row_of_every_chunk_aligned():
    cols = selectors.copy_out(
        "SELECT g::int8 AS a, (g * 0.5)::float8 AS half, (g %% 3 = 0) AS third,"
        " (-g)::int4 AS neg FROM generate_series(1, %s) AS g",
        [50_000],
        [("a", "int8"), ("half", "float8"), ("third", "bool"), ("neg", "int4")],
        chunk_by="a >> 12",
    )
    order = np.argsort(cols["a"])
    assert cols["a"][order].tolist() == list(range(1, 50_001))
    assert np.array_equal(cols["half"][order], np.arange(1, 50_001) * 0.5)
    assert np.array_equal(cols["third"][order], np.arange(1, 50_001) % 3 == 0)
    assert np.array_equal(cols["neg"][order], -np.arange(1, 50_001))
    assert cols["neg"].dtype == np.int32


@pytest.mark.parametrize("chunk_by", [None, "a"])
def test_copy_out_of_no_rows_gives_empty_arrays(chunk_by):
    cols = selectors.copy_out(
        "SELECT 1::int8 AS a WHERE false", [], [("a", "int8")], chunk_by=chunk_by
    )
    assert cols["a"].dtype == np.int64
    assert len(cols["a"]) == 0


def test_eligible_members_come_sorted_by_id_with_their_fields(make_member):
    members = [make_member(max_open_intros=n) for n in (3, 1, 2, 4)]
    eligible = selectors.members_eligible()
    assert eligible.ids.tolist() == sorted(m.pk for m in members)
    by_id = {m.pk: m.max_open_intros for m in members}
    assert eligible.room.tolist() == [by_id[pk] for pk in eligible.ids.tolist()]


def test_an_intro_the_other_declined_counts_as_open_until_its_notice(make_member):
    # To the member who has not answered it still looks open: a place freed at
    # once would tell them the other said no.
    silent, decliner = make_member(max_open_intros=1), make_member(max_open_intros=1)
    intro = IntroductionFactory(
        member_a=silent,
        member_b=decliner,
        state=Introduction.State.DECLINED,
        offered_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=5),
    )
    side = "a" if intro.member_a_id == decliner.pk else "b"
    setattr(intro, f"{side}_response", Introduction.Response.DECLINED)
    intro.save()

    assert eligible_ids() == {decliner.pk}

    Introduction.objects.filter(pk=intro.pk).update(closed_notice_at=timezone.now())
    assert eligible_ids() == {silent.pk, decliner.pk}
