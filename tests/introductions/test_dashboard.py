from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from introductions import services
from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from introductions.selectors import dashboard_intros, next_matching_round
from profiles.factories import ProfileFactory

from .conftest import weekday_windows


def section_of(member, intro):
    sections = dashboard_intros(member=member)
    return next(
        name
        for name, cards in sections.items()
        if any(card.intro.pk == intro.pk for card in cards)
    )


def test_the_dashboard_shows_an_offer_with_accept_and_decline_forms(client, offered):
    client.force_login(offered.member_a.user)

    response = client.get(reverse("dashboard"))

    content = response.content.decode()
    assert 'class="intro-hero"' in content
    assert reverse("intro_accept", args=[offered.pk]) in content
    assert f'hx-post="{reverse("intro_decline", args=[offered.pk])}"' in content
    assert offered.member_b.user.email not in content


def test_the_dashboard_gives_the_reasons_as_true_now_and_hides_sensitive_tags(
    client, offered
):
    alice = offered.member_a if "Alice" in offered.member_a.name else offered.member_b
    client.force_login(alice.user)

    content = client.get(reverse("dashboard")).content.decode()

    assert (
        "<li>You are looking for mentorship in Medical journalism; Bruno Brun "
        "offers mentorship in Medical journalism.</li>"
    ) in content
    assert "Burnout recovery" not in content

    # Bruno drops his offer while the intro is open: the claim goes with it.
    offered.other_member(alice).goals.all().delete()
    content = client.get(reverse("dashboard")).content.decode()
    assert "Bruno Brun offers mentorship" not in content
    assert "You both care about Medical journalism and Global health." in content


def test_accepting_from_the_dashboard_without_js_redirects_back(client, offered):
    client.force_login(offered.member_a.user)

    response = client.post(reverse("intro_accept", args=[offered.pk]))

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert Introduction.objects.get(pk=offered.pk).a_response == "accepted"
    assert section_of(offered.member_a, offered) == "waiting"


def test_declining_with_htmx_returns_the_updated_section(client, offered):
    client.force_login(offered.member_b.user)

    response = client.post(
        reverse("intro_decline", args=[offered.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert b'id="dashboard-introductions"' in response.content
    assert b"You passed" in response.content
    assert b"Nobody will be told who said no." in response.content
    assert Introduction.objects.get(pk=offered.pk).state == "declined"


def test_the_other_side_of_a_decline_still_sees_an_open_offer(offered):
    services.intro_decline(intro=offered, member=offered.member_b)

    assert section_of(offered.member_a, offered) == "offered"
    services.intro_accept(intro=offered, member=offered.member_a)
    assert section_of(offered.member_a, offered) == "waiting"


def test_a_connected_intro_shows_contact_details_and_slots(client, offered):
    for member in offered.members():
        weekday_windows(member)
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_accept(intro=offered, member=offered.member_b)
    client.force_login(offered.member_a.user)

    content = client.get(reverse("dashboard")).content.decode()

    assert offered.member_b.user.email in content
    assert "Suggested 20-minute calls" in content


def test_it_404s_for_a_member_outside_the_intro(client, offered):
    client.force_login(ProfileFactory().user)

    for name in ("intro_accept", "intro_decline"):
        response = client.post(reverse(name, args=[offered.pk]))
        assert response.status_code == 404
    assert Introduction.objects.get(pk=offered.pk).state == "offered"


def test_the_dashboard_actions_refuse_get(client, offered):
    client.force_login(offered.member_a.user)

    for name in ("intro_accept", "intro_decline"):
        assert client.get(reverse(name, args=[offered.pk])).status_code == 405


def test_the_dashboard_actions_need_a_login(client, offered):
    response = client.post(reverse("intro_accept", args=[offered.pk]))

    assert response.status_code == 302
    assert Introduction.objects.get(pk=offered.pk).a_response == ""


@pytest.mark.django_db
def test_the_section_queries_stay_bounded_with_many_intros(
    client, django_assert_max_num_queries
):
    me = ProfileFactory()
    for _ in range(15):
        other = ProfileFactory()
        intro = IntroductionFactory(member_a=me, member_b=other)
        services.intro_offer(intro=intro)
    client.force_login(me.user)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.content.decode().count('class="intro-hero"') == 15


def test_declining_from_the_dashboard_keeps_a_private_reason(client, offered):
    client.force_login(offered.member_a.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'name="reason"' in page

    client.post(
        reverse("intro_decline", args=[offered.pk]),
        {"reason": "not_my_field"},
        headers={"HX-Request": "true"},
    )

    assert Introduction.objects.get(pk=offered.pk).a_decline_reason == "not_my_field"


def test_a_hidden_city_stays_hidden_on_the_offer(client, offered):
    offered.member_b.city = "Reykjavik"
    offered.member_b.show_city = False
    offered.member_b.save()
    client.force_login(offered.member_a.user)

    assert "Reykjavik" not in client.get(reverse("dashboard")).content.decode()


def test_the_hero_shows_who_why_and_when_in_the_readers_zone(client, offered):
    """Alice (New York) sees Bruno with his avatar, the public reasons to meet,
    Accept as the primary action and "Not now" as the secondary one, and the
    deadline in her own time zone."""
    client.force_login(offered.member_a.user)

    content = client.get(reverse("dashboard")).content.decode()

    hero = content[content.index('class="intro-hero"') :]
    hero = hero[: hero.index("</article>")]
    assert '<span class="avatar c' in hero
    assert ">BB</span>" in hero
    assert offered.member_b.get_absolute_url() in hero
    assert "You both care about Medical journalism and Global health." in hero
    assert "Burnout recovery" not in hero
    assert '<button type="submit">Accept</button>' in hero
    assert '<button type="submit" class="secondary">Not now</button>' in hero
    deadline = offered.expires_at.astimezone(ZoneInfo("America/New_York"))
    assert f"Answer by {deadline:%A} {deadline.day} {deadline:%B}." in hero


@pytest.mark.django_db
def test_with_nothing_to_answer_it_says_when_the_next_round_runs(client, settings):
    me = ProfileFactory(
        time_zone="Europe/Paris", onboarded_at=timezone.now(), interests=[]
    )
    client.force_login(me.user)

    # Sunday 6 December 2026; the default round runs on Tuesdays at 14:00 UTC.
    with time_machine.travel(datetime(2026, 12, 6, 9, tzinfo=UTC), tick=False):
        content = client.get(reverse("dashboard")).content.decode()

    assert "No introduction waiting for you" in content
    assert "Tuesday 8 December at 15:00</strong> (Europe/Paris)" in content
    # One button: the first step the profile lacks.
    assert f'<a class="button" href="{reverse("profile_interests")}">' in content


def test_the_next_round_follows_the_beat_schedule():
    sunday = datetime(2026, 12, 6, 9, tzinfo=UTC)
    assert next_matching_round(now=sunday) == datetime(2026, 12, 8, 14, tzinfo=UTC)
    # A round starting this very minute is under way: the next is a week later.
    tuesday = datetime(2026, 12, 8, 14, 0, 30, tzinfo=UTC)
    assert next_matching_round(now=tuesday) == datetime(2026, 12, 15, 14, tzinfo=UTC)
