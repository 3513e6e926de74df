from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from introductions import services, tokens
from introductions.models import Feedback, Introduction
from profiles.factories import ProfileFactory
from profiles.models import Profile


def url(action, intro, member):
    token = tokens.make_token(action=action, member_id=member.pk, intro_id=intro.pk)
    return reverse(f"intro_link_{action}", args=[token])


def state_of(intro):
    fresh = Introduction.objects.get(pk=intro.pk)
    return (fresh.state, fresh.a_response, fresh.b_response)


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_a_get_shows_a_confirmation_and_changes_nothing(client, offered, action):
    before = state_of(offered)

    response = client.get(url(action, offered, offered.member_a))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert state_of(offered) == before


def test_the_accept_link_works_without_logging_in(client, offered):
    response = client.post(url("accept", offered, offered.member_a))

    assert response.status_code == 200
    assert state_of(offered) == ("accepted_one", "accepted", "")


def test_both_accept_links_connect_the_pair(client, offered):
    client.post(url("accept", offered, offered.member_a))
    response = client.post(url("accept", offered, offered.member_b))

    assert b"You are connected" in response.content
    assert state_of(offered)[0] == "connected"


def test_the_decline_link_records_the_private_reason(client, offered):
    client.post(url("decline", offered, offered.member_b), {"reason": "too_busy"})

    intro = Introduction.objects.get(pk=offered.pk)
    assert (intro.state, intro.b_decline_reason) == ("declined", "too_busy")


def test_it_rejects_a_reused_link(client, offered):
    link = url("accept", offered, offered.member_a)
    client.post(link)
    before = Introduction.objects.get(pk=offered.pk).a_responded_at

    response = client.post(link)

    assert response.status_code == 409
    assert b"You already answered" in response.content
    assert Introduction.objects.get(pk=offered.pk).a_responded_at == before


def test_a_decline_link_after_accepting_changes_nothing(client, offered):
    client.post(url("accept", offered, offered.member_a))

    response = client.post(url("decline", offered, offered.member_a))

    assert response.status_code == 409
    assert state_of(offered) == ("accepted_one", "accepted", "")


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_rejects_a_forged_link(client, offered, method):
    link = url("accept", offered, offered.member_a)
    forged = link[:-6] + ("AAAAA/" if link[-6:] != "AAAAA/" else "BBBBB/")

    response = getattr(client, method)(forged)

    assert response.status_code == 400
    assert b"This link does not work" in response.content
    assert state_of(offered) == ("offered", "", "")


def test_it_rejects_an_accept_token_used_as_a_decline_link(client, offered):
    token = tokens.make_token(
        action="accept", member_id=offered.member_a_id, intro_id=offered.pk
    )

    response = client.post(reverse("intro_link_decline", args=[token]))

    assert response.status_code == 400
    assert state_of(offered) == ("offered", "", "")


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_rejects_an_expired_link(client, offered, method):
    link = url("accept", offered, offered.member_a)

    with time_machine.travel(offered.expires_at + timedelta(days=2)):
        response = getattr(client, method)(link)

    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert state_of(offered) == ("offered", "", "")


def test_a_link_opened_after_the_deadline_changes_nothing(client, offered):
    link = url("accept", offered, offered.member_a)

    with time_machine.travel(offered.expires_at + timedelta(hours=1)):
        response = client.post(link)

    assert response.status_code == 410
    assert state_of(offered) == ("offered", "", "")


def test_it_rejects_a_link_for_someone_outside_the_intro(client, offered):
    stranger = ProfileFactory()

    response = client.post(url("accept", offered, stranger))

    assert response.status_code == 403
    assert state_of(offered) == ("offered", "", "")


def test_it_rejects_a_link_opened_by_another_signed_in_member(client, offered):
    client.force_login(offered.member_b.user)

    response = client.post(url("accept", offered, offered.member_a))

    assert response.status_code == 403
    assert state_of(offered) == ("offered", "", "")


def test_a_link_to_a_withdrawn_intro_says_it_is_closed(client, offered):
    services.intro_withdraw(intro=offered)

    response = client.get(url("accept", offered, offered.member_a))

    assert response.status_code == 409
    assert b"no longer open" in response.content


def test_after_a_decline_the_other_sides_link_still_looks_open(client, offered):
    services.intro_decline(intro=offered, member=offered.member_a)

    page = client.get(url("accept", offered, offered.member_b))
    done = client.post(url("accept", offered, offered.member_b))

    assert page.status_code == 200
    assert done.status_code == 200
    assert b"We will email you both as soon as" in done.content


def test_the_links_refuse_other_methods(client, offered):
    response = client.put(url("accept", offered, offered.member_a))

    assert response.status_code == 405


def connect(intro):
    services.intro_accept(intro=intro, member=intro.member_a)
    return services.intro_accept(intro=intro, member=intro.member_b)


def feedback_url(intro, member, answer):
    token = tokens.make_token(action="feedback", member_id=member.pk, intro_id=intro.pk)
    return reverse("intro_link_feedback", args=[token, answer])


def test_the_feedback_link_stores_the_answer_and_rating_on_post_only(client, offered):
    intro = connect(offered)
    link = feedback_url(intro, intro.member_a, "yes")

    assert client.get(link).status_code == 200
    assert not Feedback.objects.exists()
    client.post(link, {"rating": "4"})

    feedback = Feedback.objects.get()
    assert (feedback.member_id, feedback.met, feedback.rating) == (
        intro.member_a_id,
        "yes",
        4,
    )


def test_a_second_feedback_click_updates_the_answer(client, offered):
    intro = connect(offered)
    client.post(feedback_url(intro, intro.member_a, "not_yet"))
    client.post(feedback_url(intro, intro.member_a, "yes"))

    assert list(Feedback.objects.values_list("met", "rating")) == [("yes", None)]


def test_it_rejects_an_unknown_feedback_answer(client, offered):
    intro = connect(offered)

    response = client.post(feedback_url(intro, intro.member_a, "maybe"))

    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_the_pause_link_confirms_on_get_and_pauses_on_one_click_post(client, offered):
    member = offered.member_a
    token = tokens.make_token(action="pause", member_id=member.pk)
    link = reverse("intro_link_pause", args=[token])

    assert client.get(link).status_code == 200
    assert Profile.objects.get(pk=member.pk).intro_frequency != "paused"
    # RFC 8058: the mail provider POSTs this body, with no cookie or CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        link,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Profile.objects.get(pk=member.pk).intro_frequency == "paused"


def test_the_connected_page_shows_the_other_members_email_and_slots(client, offered):
    client.post(url("accept", offered, offered.member_a))
    response = client.post(url("accept", offered, offered.member_b))

    assert offered.member_a.user.email in response.text
    assert "-minute calls (your time)" in response.text


def test_the_waiting_page_never_shows_the_other_members_email(client, offered):
    response = client.post(url("accept", offered, offered.member_a))

    assert offered.member_b.user.email not in response.text


@pytest.mark.parametrize(
    ("action", "extra"),
    [("accept", []), ("decline", []), ("feedback", ["yes"])],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_genuine_link_naming_no_intro_gets_a_friendly_400(
    client, offered, action, extra, method
):
    token = tokens.make_token(action=action, member_id=offered.member_a.pk)
    before = state_of(offered)

    response = getattr(client, method)(
        reverse(f"intro_link_{action}", args=[token, *extra])
    )

    assert response.status_code == 400
    assert b"This link does not work" in response.content
    assert state_of(offered) == before
