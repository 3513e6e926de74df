"""A member's page says where an introduction with them stands, and a block once."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from introductions import services, tokens
from introductions.emails import link, render_offer
from introductions.models import Introduction
from profiles.factories import ProfileFactory
from profiles.models import Block

HTMX = {"HX-Request": "true"}
ASK = "Ask for an introduction"


@pytest.fixture
def pair(db):
    return (
        ProfileFactory(display_name="Rita Requester", onboarded_at=timezone.now()),
        ProfileFactory(display_name="Otto Other", onboarded_at=timezone.now()),
    )


def _page(client, member) -> str:
    return client.get(member.get_absolute_url()).content.decode()


def test_after_asking_the_page_says_so_instead_of_offering_to_ask_again(client, pair):
    requester, other = pair
    client.force_login(requester.user)
    assert ASK in _page(client, other)

    response = client.post(reverse("intro_request", args=[other.pk]), {"note": "Hi"})

    assert response.status_code == 302
    assert response.url == other.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert ASK not in page
    assert "You said yes to an introduction to Otto Other" in page
    assert "We have asked Otto Other" in page


def test_the_member_asked_sees_the_offer_to_answer(client, pair):
    requester, other = pair
    intro = services.intro_request(requester=requester, other=other, note="Hi")
    client.force_login(other.user)
    page = _page(client, requester)
    assert ASK not in page
    assert f"#intro-{intro.pk}" in page
    assert "answer on your dashboard" in page


def test_a_decline_by_the_other_side_still_looks_open_to_the_requester(client, pair):
    requester, other = pair
    intro = services.intro_request(requester=requester, other=other, note="Hi")
    services.intro_decline(intro=intro, member=other)
    client.force_login(requester.user)
    page = _page(client, other)
    # Exactly what an unanswered request shows: nobody learns who declined.
    assert "You said yes to an introduction to Otto Other" in page


def test_connected_members_see_they_are_connected(client, pair):
    requester, other = pair
    intro = services.intro_request(requester=requester, other=other, note="Hi")
    services.intro_accept(intro=intro, member=other)
    client.force_login(requester.user)
    page = _page(client, other)
    assert "You are connected with Otto Other" in page
    assert ASK not in page


def test_blocking_without_javascript_says_it_once_and_hides_asking(client, pair):
    viewer, other = pair
    client.force_login(viewer.user)
    response = client.post(reverse("member_block", args=[other.pk]), follow=True)
    page = response.content.decode()
    assert Block.objects.filter(blocker=viewer, blocked=other).exists()
    assert page.count("You blocked Otto Other") == 1
    assert ASK not in page


def test_blocking_with_htmx_says_it_once_and_announces_it(client, pair):
    viewer, other = pair
    client.force_login(viewer.user)
    response = client.post(reverse("member_block", args=[other.pk]), headers=HTMX)
    page = response.content.decode()
    assert page.count("You blocked Otto Other") == 1
    assert ASK not in page
    assert "You blocked Otto Other" in response.headers["HX-Trigger"]
    assert "HX-Request" in response.headers["Vary"]


def test_unblocking_says_so_and_offers_to_ask_again(client, pair):
    viewer, other = pair
    Block.objects.create(blocker=viewer, blocked=other)
    client.force_login(viewer.user)
    response = client.post(reverse("member_unblock", args=[other.pk]), follow=True)
    page = response.content.decode()
    assert "You unblocked Otto Other." in page
    assert ASK in page


def test_the_dashboard_answer_is_announced_and_varies_on_htmx(client, pair):
    requester, other = pair
    intro = services.intro_request(requester=requester, other=other, note="Hi")
    client.force_login(other.user)
    response = client.post(reverse("intro_accept", args=[intro.pk]), headers=HTMX)
    assert "You are connected" in response.headers["HX-Trigger"]
    assert "HX-Request" in response.headers["Vary"]
    assert Introduction.objects.get().state == Introduction.State.CONNECTED


def test_the_deadline_is_one_date_on_the_readers_clock_everywhere(
    client, make_intro, time_machine
):
    """The dashboard, the page after answering and the offer email all say the
    same day, the reader's: an offer ending at 03:00 UTC on 13 December ends on
    the 12th in New York."""
    time_machine.move_to(datetime(2026, 12, 6, 3, 0, tzinfo=UTC), tick=False)
    intro = services.intro_offer(intro=make_intro())
    assert intro.expires_at == datetime(2026, 12, 13, 3, 0, tzinfo=UTC)
    alice = next(m for m in intro.members() if m.time_zone == "America/New_York")
    bruno = intro.other_member(alice)
    assert intro.deadline_for(alice).day == 12
    assert intro.deadline_for(bruno).day == 13

    client.force_login(alice.user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Answer by Saturday 12 December." in dashboard
    accept = urlsplit(link(tokens.ACCEPT, member=alice, intro=intro)).path
    done = client.post(accept)
    assert done.templates[0].name == "introductions/link_done.html"
    assert "If not by Saturday 12 December," in done.content.decode()

    email = render_offer(intro, alice, reminder=False, now=timezone.now())
    assert "Saturday 12 December" in email.text_body
    assert "Saturday 12 December" in email.html_body
