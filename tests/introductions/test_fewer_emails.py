"""Fewer, better emails: one reminder per offer, no email of its own for an offer
that ended, and a weekly budget per member that never holds back what matters."""

from datetime import timedelta

import pytest
import time_machine

from introductions import outbox, services
from introductions.models import Introduction, OutboxEmail
from profiles.factories import ProfileFactory

from .test_deadlines import run_beat

START = "2026-06-01 12:00Z"


@pytest.fixture
def clock(db):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def introduce(one, other):
    a, b = sorted((one, other), key=lambda p: p.pk)
    return services.intro_offer(
        intro=Introduction.objects.create(member_a=a, member_b=b)
    )


def kinds_to(member):
    return list(
        OutboxEmail.objects.filter(recipient=member)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def offer_to(member, intro):
    return OutboxEmail.objects.get(recipient=member, intro=intro, kind="offer")


# --- At most one reminder per offer -------------------------------------------------


def test_an_offer_gets_one_reminder_however_often_the_deadline_task_runs(
    clock, make_intro
):
    intro = services.intro_offer(intro=make_intro())
    clock.shift(timedelta(days=3))
    for _ in range(4 * 24 * 4 + 8):  # every 15 minutes, to past the deadline
        run_beat()
        clock.shift(timedelta(minutes=15))

    for member in intro.members():
        assert kinds_to(member) == ["offer", "reminder"]
    with pytest.raises(services.IntroTransitionError):
        services.intro_remind(intro=intro)


def _second_offer_reminders(clock, make_intro, first_answer):
    first = services.intro_offer(intro=make_intro())
    alice, _ = sorted(first.members(), key=lambda m: m.name)
    if first_answer:
        getattr(services, f"intro_{first_answer}")(intro=first, member=alice)
    clock.shift(timedelta(days=7, minutes=1))
    run_beat()
    second = introduce(alice, ProfileFactory())
    clock.shift(timedelta(days=3, minutes=1))
    run_beat()
    return list(
        OutboxEmail.objects.filter(intro=second, kind="reminder").values_list(
            "recipient_id", flat=True
        )
    ), alice


@pytest.mark.parametrize("first_answer", ["accept", "decline"])
def test_a_member_who_answered_their_last_offer_is_reminded(
    clock, make_intro, first_answer
):
    reminded, alice = _second_offer_reminders(clock, make_intro, first_answer)

    assert alice.pk in reminded


def test_no_reminder_after_an_offer_the_member_let_pass_unanswered(clock, make_intro):
    reminded, alice = _second_offer_reminders(clock, make_intro, None)

    assert alice.pk not in reminded
    assert len(reminded) == 1  # the other member, new here, is reminded


# --- "It did not happen" folded into the next offer -----------------------------------


LINE = "Our introduction to {} did not go ahead this time: no action needed."


def test_an_offer_that_ends_unanswered_sends_no_email_of_its_own(clock, make_intro):
    intro = services.intro_offer(intro=make_intro())
    clock.shift(timedelta(days=3))
    run_beat()
    clock.shift(timedelta(days=5))
    run_beat()

    assert Introduction.objects.get(pk=intro.pk).state == "expired"
    for member in intro.members():
        assert kinds_to(member) == ["offer", "reminder"]


def test_the_next_offer_says_it_in_one_line_once(clock, make_intro):
    ended = services.intro_offer(intro=make_intro())
    alice, _ = sorted(ended.members(), key=lambda m: m.name)
    clock.shift(timedelta(days=8))
    run_beat()
    carla = ProfileFactory(display_name="Carla Costa")

    nxt = introduce(alice, carla)
    clock.shift(timedelta(days=7, minutes=1))
    run_beat()
    after = introduce(alice, ProfileFactory())

    text = offer_to(alice, nxt).text_body
    assert LINE.format("Bruno Brun") in text
    assert LINE.format("Bruno Brun") in offer_to(alice, nxt).html_body
    assert text.index("Please answer by") < text.index(LINE.format("Bruno Brun"))
    assert "did not go ahead" not in offer_to(carla, nxt).text_body
    # Said once: the offer after that one mentions only what ended since.
    assert LINE.format("Bruno Brun") not in offer_to(alice, after).text_body
    assert LINE.format("Carla Costa") in offer_to(alice, after).text_body


def test_two_offers_written_at_the_same_moment_say_it_once(clock, make_intro):
    ended = services.intro_offer(intro=make_intro())
    alice, _ = sorted(ended.members(), key=lambda m: m.name)
    clock.shift(timedelta(days=8))
    run_beat()

    # One round's batch: both offers are written with the same timestamp.
    first = introduce(alice, ProfileFactory(display_name="Carla Costa"))
    second = introduce(alice, ProfileFactory(display_name="Dora Diaz"))

    assert LINE.format("Bruno Brun") in offer_to(alice, first).text_body
    assert LINE.format("Bruno Brun") not in offer_to(alice, second).text_body


def _next_offer_text(make_intro, clock, *, declined_by_other: bool) -> list[str]:
    intro = services.intro_offer(intro=make_intro())
    alice, bruno = sorted(intro.both_members(), key=lambda m: m.name)
    if declined_by_other:
        services.intro_decline(intro=intro, member=bruno, reason="not_my_field")
    clock.shift(timedelta(days=7, minutes=1))
    run_beat()
    nxt = introduce(alice, ProfileFactory(display_name="Dora Diaz"))
    clock.shift(-timedelta(days=7, minutes=1))
    return [
        line
        for line in offer_to(alice, nxt).text_body.splitlines()
        if "did not go ahead" in line
    ]


def test_the_line_after_a_decline_is_the_line_after_silence(clock, make_intro):
    silence = _next_offer_text(make_intro, clock, declined_by_other=False)
    decline = _next_offer_text(make_intro, clock, declined_by_other=True)

    assert silence == ["P.S. " + LINE.format("Bruno Brun")]
    assert decline == silence


def test_the_decliner_is_not_told_what_they_chose(clock, make_intro):
    intro = services.intro_offer(intro=make_intro())
    alice, _ = sorted(intro.members(), key=lambda m: m.name)
    services.intro_decline(intro=intro, member=alice)
    clock.shift(timedelta(days=8))
    run_beat()

    nxt = introduce(alice, ProfileFactory())

    assert "did not go ahead" not in offer_to(alice, nxt).text_body


# --- The weekly budget ---------------------------------------------------------


def test_a_reminder_over_the_budget_is_not_sent(clock, make_intro, settings):
    settings.EMAIL_WEEKLY_BUDGET = 2
    intro = services.intro_offer(intro=make_intro())
    alice, bruno = sorted(intro.members(), key=lambda m: m.name)
    clock.shift(timedelta(days=1))
    introduce(alice, ProfileFactory())  # Alice's second offer: her budget is spent
    clock.shift(timedelta(days=2, minutes=1))

    run_beat()

    assert kinds_to(alice) == ["offer", "offer"]
    assert kinds_to(bruno) == ["offer", "reminder"]
    # Still the one reminder per offer: Alice gets none later either.
    clock.shift(timedelta(days=3))
    run_beat()
    assert OutboxEmail.objects.filter(intro=intro, kind="reminder").count() == 1


def test_offers_of_rounds_always_go_and_count(clock, make_intro, settings):
    settings.EMAIL_WEEKLY_BUDGET = 1
    intro = services.intro_offer(intro=make_intro())
    alice = intro.member_a

    second = introduce(alice, ProfileFactory())

    assert offer_to(alice, second).status == "pending"
    assert outbox.emails_budgeted_recently(recipient=alice) == 2
    assert outbox.email_budget_spent(recipient=alice)


def test_a_follow_up_waits_for_room_and_then_goes(clock, make_intro, settings):
    settings.EMAIL_WEEKLY_BUDGET = 2
    intro = services.intro_offer(intro=make_intro())
    alice, bruno = intro.members()
    services.intro_accept(intro=intro, member=alice)
    services.intro_accept(intro=intro, member=bruno)
    clock.shift(timedelta(days=8))
    for _ in range(2):  # two offers to Alice two days before the follow-up is due
        introduce(alice, ProfileFactory())
    clock.shift(timedelta(days=2, minutes=1))

    run_beat()
    assert not OutboxEmail.objects.filter(intro=intro, kind="follow_up")

    clock.shift(timedelta(days=5))  # the two offers are 7 days old: room again
    run_beat()
    run_beat()

    follow_ups = OutboxEmail.objects.filter(intro=intro, kind="follow_up")
    assert sorted(e.recipient_id for e in follow_ups) == sorted([alice.pk, bruno.pk])


def test_a_follow_up_waits_a_week_at_most(clock, make_intro, settings):
    settings.EMAIL_WEEKLY_BUDGET = 0  # spent for ever, as with offers every week
    intro = services.intro_offer(intro=make_intro())
    alice, bruno = intro.members()
    services.intro_accept(intro=intro, member=alice)
    services.intro_accept(intro=intro, member=bruno)
    clock.shift(timedelta(days=settings.INTRO_FOLLOW_UP_DAYS, minutes=1))
    run_beat()
    assert not OutboxEmail.objects.filter(intro=intro, kind="follow_up")

    clock.shift(timedelta(days=6, hours=23))
    run_beat()
    assert not OutboxEmail.objects.filter(intro=intro, kind="follow_up")
    clock.shift(timedelta(hours=1))
    run_beat()

    follow_ups = OutboxEmail.objects.filter(intro=intro, kind="follow_up")
    assert sorted(e.recipient_id for e in follow_ups) == sorted([alice.pk, bruno.pk])


def test_the_connected_email_goes_whatever_the_budget(clock, make_intro, settings):
    settings.EMAIL_WEEKLY_BUDGET = 0
    intro = services.intro_offer(intro=make_intro())
    alice, bruno = intro.members()

    services.intro_accept(intro=intro, member=alice)
    services.intro_accept(intro=intro, member=bruno)

    connected = OutboxEmail.objects.filter(intro=intro, kind="connected")
    assert sorted(e.recipient_id for e in connected) == sorted([alice.pk, bruno.pk])
    assert {e.status for e in connected} == {"pending"}


def test_a_request_to_a_member_whose_budget_is_spent_is_refused_neutrally(
    clock, settings
):
    settings.EMAIL_WEEKLY_BUDGET = 1
    busy, asker = ProfileFactory(display_name="Ines Ito"), ProfileFactory()
    introduce(busy, ProfileFactory())

    with pytest.raises(services.IntroRequestRefused) as refused:
        services.intro_request(requester=asker, other=busy, note="Hello")

    assert str(refused.value) == "We cannot introduce you to Ines Ito at the moment."
    assert kinds_to(busy) == ["offer"]
