from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from introductions import services
from introductions.models import Introduction, OutboxEmail
from profiles.factories import ProfileFactory
from profiles.models import Block

from .conftest import race

NOTE = "I'd love to hear how you got into medical journalism."


@pytest.fixture
def pair(db):
    return ProfileFactory(display_name="Rita Requester"), ProfileFactory(
        display_name="Otto Other"
    )


def test_a_request_offers_the_intro_to_the_other_member_only(pair):
    requester, other = pair

    intro = services.intro_request(requester=requester, other=other, note=NOTE)

    assert intro.state == Introduction.State.ACCEPTED_ONE
    assert intro.response_of(requester) == "accepted"
    assert intro.response_of(other) == ""
    offer = OutboxEmail.objects.get(intro=intro)
    assert offer.recipient_id == other.pk
    assert "Rita Requester asked us for this introduction" in offer.text_body
    assert "medical journalism" in offer.text_body
    assert requester.user.email not in offer.text_body


def test_the_other_accepting_a_request_connects_them(pair):
    requester, other = pair
    intro = services.intro_request(requester=requester, other=other, note=NOTE)

    intro = services.intro_accept(intro=intro, member=other)

    assert intro.state == Introduction.State.CONNECTED


@pytest.mark.django_db(transaction=True)
def test_two_members_asking_for_each_other_at_once_get_one_intro():
    rita, otto = ProfileFactory(), ProfileFactory()

    outcomes = race(
        lambda: services.intro_request(requester=rita, other=otto, note=NOTE),
        lambda: services.intro_request(requester=otto, other=rita, note=NOTE),
    )

    refused = [o for o in outcomes if isinstance(o, services.IntroRequestRefused)]
    made = [o for o in outcomes if isinstance(o, Introduction)]
    assert (len(made), len(refused)) == (1, 1), outcomes
    assert Introduction.objects.count() == 1


def test_requests_are_limited_per_week(pair, settings):
    settings.INTRO_REQUESTS_PER_WEEK = 2
    requester = pair[0]
    for _ in range(2):
        services.intro_request(requester=requester, other=ProfileFactory(), note=NOTE)

    with pytest.raises(services.IntroRequestRefused, match="2 introductions a week"):
        services.intro_request(requester=requester, other=ProfileFactory(), note=NOTE)
    later = timezone.now() + timedelta(days=7, minutes=1)
    services.intro_request(
        requester=requester, other=ProfileFactory(), note=NOTE, now=later
    )


def test_a_member_cannot_ask_again_someone_who_declined_them(pair):
    requester, other = pair
    intro = services.intro_request(requester=requester, other=other, note=NOTE)
    services.intro_decline(intro=intro, member=other)
    Introduction.objects.filter(pk=intro.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    with pytest.raises(services.IntroRequestRefused, match="at the moment"):
        services.intro_request(requester=requester, other=other, note=NOTE)


@pytest.mark.parametrize("blocker", [0, 1])
def test_a_block_either_way_refuses_the_request_without_saying_so(pair, blocker):
    requester, other = pair
    Block.objects.create(blocker=pair[blocker], blocked=pair[1 - blocker])

    with pytest.raises(services.IntroRequestRefused) as refused:
        services.intro_request(requester=requester, other=other, note=NOTE)
    assert "block" not in str(refused.value).lower()
    assert not Introduction.objects.exists()


def test_the_request_page_sends_the_request(client, pair):
    requester, other = pair
    client.force_login(requester.user)
    url = reverse("intro_request", args=[other.pk])

    page = client.get(url)
    response = client.post(url, {"note": NOTE})

    assert page.status_code == 200
    assert b"A short note for them" in page.content
    assert response.status_code == 302
    assert Introduction.objects.get().requested_by_id == requester.pk


def test_the_request_page_explains_a_refusal_and_keeps_the_note(client, pair):
    requester, other = pair
    Block.objects.create(blocker=other, blocked=requester)
    client.force_login(requester.user)

    response = client.post(reverse("intro_request", args=[other.pk]), {"note": NOTE})

    assert response.status_code == 409
    assert b"We cannot introduce you to Otto Other at the moment." in response.content
    assert b"medical journalism" in response.content


def test_the_request_page_needs_a_login_and_refuses_other_methods(client, pair):
    url = reverse("intro_request", args=[pair[1].pk])

    assert client.post(url, {"note": NOTE}).status_code == 302
    client.force_login(pair[0].user)
    assert client.put(url).status_code == 405
    assert not Introduction.objects.exists()


def test_nobody_can_ask_for_an_introduction_to_themself(client, pair):
    client.force_login(pair[0].user)

    response = client.post(reverse("intro_request", args=[pair[0].pk]), {"note": NOTE})

    assert response.status_code == 404


def test_a_member_page_offers_to_ask_for_an_introduction_but_not_ones_own(client, pair):
    requester, other = pair
    client.force_login(requester.user)

    theirs = client.get(other.get_absolute_url())
    mine = client.get(requester.get_absolute_url())

    assert reverse("intro_request", args=[other.pk]).encode() in theirs.content
    assert b"Ask for an introduction" not in mine.content


def test_a_suspended_member_cannot_be_asked_for(pair):
    requester, other = pair
    other.user.is_active = False
    other.user.save()
    with pytest.raises(services.IntroRequestRefused, match="at the moment"):
        services.intro_request(requester=requester, other=other, note=NOTE)


def test_a_member_who_shows_their_profile_to_connections_only_cannot_be_asked(
    client, pair
):
    requester, other = pair
    other.profile_visibility = "connections"
    other.save()
    client.force_login(requester.user)
    url = reverse("intro_request", args=[other.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"note": NOTE}).status_code == 404
    assert not Introduction.objects.exists()


def test_intro_requests_are_rate_limited_per_hour(client, pair, settings):
    settings.MEMBER_RATE_LIMITS = {
        **settings.MEMBER_RATE_LIMITS,
        "intro_request": "1/h",
    }
    requester, other = pair
    client.force_login(requester.user)
    url = reverse("intro_request", args=[other.pk])
    client.post(url, {"note": NOTE})
    assert client.post(url, {"note": NOTE}).status_code == 429
