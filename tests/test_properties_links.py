"""Every signed email link, fed any token: never a 500, never a state change.

Tokens are drawn from arbitrary text, token-shaped strings, genuine tokens cut short
or with one character changed, genuine tokens signed with the wrong key, made for
another action, naming a member who is not part of the intro, or opened while
signed in as someone else. None of them may change an introduction, a feedback, a
profile or the outbox, by GET or by POST.
"""

import string
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from introductions import tokens
from introductions.models import Feedback, Introduction, OutboxEmail
from profiles.models import Profile
from tests.hostile_input import (
    PROPERTY_SETTINGS,
    assert_answered,
    form_data,
    harmless_to,
    value,
)

TOKEN_CHARS = string.ascii_letters + string.digits + "-_:."
ANSWERS = ["yes", "no", "not_yet", "maybe", "", "ｙｅｓ"]


@pytest.fixture
def world(hostile_world, client):
    hostile_world.signed_in = Client()
    hostile_world.signed_in.force_login(hostile_world.actor.user)
    hostile_world.anonymous = client
    return hostile_world


def everything() -> dict:
    return {
        "intros": list(Introduction.objects.order_by("pk").values()),
        "feedback": list(Feedback.objects.order_by("pk").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "outbox": list(OutboxEmail.objects.order_by("pk").values("pk", "status")),
    }


def link(action: str, token: str, answer: str = "yes") -> str:
    quoted = quote(token, safe="")
    if action == tokens.FEEDBACK:
        return f"/intros/feedback/{quoted}/{quote(answer, safe='')}/"
    return f"/intros/{action}/{quoted}/"


def genuine(world) -> st.SearchStrategy[tuple[str, int, int | None]]:
    """(action, member, intro) triples a real email could carry."""
    return st.sampled_from(
        [
            (tokens.ACCEPT, world.actor.pk, world.own_offer.pk),
            (tokens.DECLINE, world.victim.pk, world.victim_offer.pk),
            (tokens.FEEDBACK, world.victim.pk, world.victim_connected.pk),
            (tokens.FEEDBACK, world.actor.pk, world.own_connected.pk),
            (tokens.PAUSE, world.victim.pk, None),
            (tokens.PAUSE, world.actor.pk, None),
        ]
    )


@st.composite
def damaged(draw, token: str) -> str:
    """A genuine token cut short, with one character changed, or lengthened."""
    how = draw(st.sampled_from(["cut", "change", "extend", "swap"]))
    if how == "cut":
        return token[: draw(st.integers(0, len(token) - 1))]
    if how == "change":
        at = draw(st.integers(0, len(token) - 1))
        other = draw(st.sampled_from(TOKEN_CHARS.replace(token[at], "")))
        return token[:at] + other + token[at + 1 :]
    if how == "extend":
        return token + draw(st.text(TOKEN_CHARS, min_size=1, max_size=8))
    payload, _, signature = token.rpartition(":")
    return f"{payload}:{signature[::-1]}"


@st.composite
def bad_link(draw, world) -> tuple[str, str, bool]:
    """(url action, token, signed in?) for a link that must not work."""
    url_action = draw(st.sampled_from(tokens.ACTIONS))
    _, member, intro = draw(genuine(world))
    kind = draw(
        st.sampled_from(
            ["text", "shaped", "damaged", "wrong_key", "other_action", "stranger"]
        )
    )
    signed_in = draw(st.booleans())
    if kind == "text":
        return url_action, draw(st.text(min_size=1)), signed_in
    if kind == "shaped":
        shaped = st.from_regex(
            r"\.?eJ[A-Za-z0-9_-]{8,80}:[A-Za-z0-9_-]{4,12}", fullmatch=True
        )
        return url_action, draw(shaped), signed_in
    payload = {"a": url_action, "m": member, "i": intro}
    salt = f"introductions.link.{url_action}"
    if kind == "damaged":
        token = tokens.make_token(action=url_action, member_id=member, intro_id=intro)
        return url_action, draw(damaged(token)), signed_in
    if kind == "wrong_key":
        return url_action, signing.dumps(payload, key="guessed", salt=salt), signed_in
    if kind == "other_action":
        others = [a for a in tokens.ACTIONS if a != url_action]
        wrong = draw(st.sampled_from(others))
        token = tokens.make_token(action=wrong, member_id=member, intro_id=intro)
        return url_action, token, signed_in
    # Genuinely signed, but naming a member outside the intro (or no one at all);
    # the requestee is in no intro at all.
    stranger = draw(st.sampled_from([world.requestee.pk, 10**12]))
    if intro is None and stranger != 10**12:
        intro = world.victim_offer.pk
    token = tokens.make_token(action=url_action, member_id=stranger, intro_id=intro)
    return url_action, token, signed_in


@PROPERTY_SETTINGS
@given(data=st.data())
def test_no_bad_link_changes_anything(world, data):
    action, token, signed_in = data.draw(bad_link(world))
    client = world.signed_in if signed_in else world.anonymous
    url = link(action, token, data.draw(st.sampled_from(ANSWERS)))
    body = data.draw(
        form_data({"reason": "too_busy", "rating": st.sampled_from(["1", "5"])})
    )
    before = everything()
    for method in ("get", "post"):
        response = getattr(client, method)(url, body if method == "post" else None)
        assert_answered(response)
        assert response.status_code != 200 or method == "get"
    assert everything() == before


@PROPERTY_SETTINGS
@given(data=st.data())
def test_someone_elses_genuine_link_changes_nothing_for_a_signed_in_member(world, data):
    """A forwarded email opened by another member: their session wins, no change."""
    action, member, intro = data.draw(
        st.sampled_from(
            [
                (tokens.DECLINE, world.victim.pk, world.victim_offer.pk),
                (tokens.ACCEPT, world.victim.pk, world.victim_offer.pk),
                (tokens.FEEDBACK, world.victim.pk, world.victim_connected.pk),
                (tokens.PAUSE, world.victim.pk, None),
            ]
        )
    )
    token = tokens.make_token(action=action, member_id=member, intro_id=intro)
    url = link(action, token, data.draw(st.sampled_from(ANSWERS)))
    body = data.draw(st.dictionaries(st.sampled_from(["reason", "rating"]), value))
    before = everything()
    assert_answered(world.signed_in.get(url))
    response = world.signed_in.post(url, body)
    assert_answered(response)
    assert everything() == before
    assert response.status_code in (400, 403, 404)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_confirm_pages_survive_any_input_and_touch_only_their_member(world, data):
    """The actor's own genuine links, with hostile form bodies and answers."""
    action, intro = data.draw(
        st.sampled_from(
            [
                (tokens.ACCEPT, world.own_offer.pk),
                (tokens.DECLINE, world.own_offer.pk),
                (tokens.FEEDBACK, world.own_connected.pk),
                (tokens.PAUSE, None),
            ]
        )
    )
    token = tokens.make_token(action=action, member_id=world.actor.pk, intro_id=intro)
    answer = data.draw(st.one_of(st.sampled_from(ANSWERS), st.text(min_size=1)))
    url = link(action, token, answer)
    body = data.draw(
        form_data(
            {
                "reason": st.sampled_from(["too_busy", "not_relevant", "other"]),
                "rating": st.sampled_from(["1", "5", "0", "6", "4.5"]),
            }
        )
    )
    client = world.anonymous if data.draw(st.booleans()) else world.signed_in
    with harmless_to(world):
        assert_answered(client.get(url))
        assert_answered(client.post(url, body))
