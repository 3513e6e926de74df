"""In-page updates: every view that answers htmx and plain requests differently
says so (Vary), names what changed for the live region, keeps the tag search,
and works without JavaScript."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from profiles import services
from profiles.factories import GoalKindFactory, InterestFactory, ProfileFactory
from profiles.models import MemberGoal

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "directory-results"}


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _announced(response) -> str:
    return json.loads(response.headers["HX-Trigger"])["announce"]["message"]


def _varies_on_htmx(response) -> bool:
    return "HX-Request" in response.headers.get("Vary", "")


def test_every_page_that_answers_htmx_differently_varies_on_it(
    member_client, other_member, interests
):
    """Walks every member-facing GET address: where the htmx answer differs from
    the plain one, a cache (the browser's Back) must not serve one for the other."""
    kwargs = {"pk": other_member.pk, "slug": interests[0].slug}
    both_ways = []
    for route, pattern in _patterns():
        # Ours only: the admin, allauth and the mail provider's webhooks are not
        # member pages; signed links (<str:token>) are tested with their tokens.
        ours = pattern.callback.__module__.startswith(("profiles.", "introductions."))
        if not ours or "<str:" in route:
            continue
        names = pattern.pattern.converters.keys()
        url = reverse(pattern.name, kwargs={n: kwargs[n] for n in names})
        plain = member_client.get(url, {"q": "journalism"})
        htmx = member_client.get(url, {"q": "journalism"}, headers=HTMX)
        if plain.status_code == 405:
            continue
        if (plain.status_code, b"<html" in plain.content) != (
            htmx.status_code,
            b"<html" in htmx.content,
        ):
            both_ways.append(pattern.name)
            assert _varies_on_htmx(plain), pattern.name
            assert _varies_on_htmx(htmx), pattern.name
    assert {"directory", "interest_search"} <= set(both_ways)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("interest_add", {"interest": "podcasting"}),
        ("interest_remove", {"interest": "policy"}),
        ("interest_suggest", {"name": "x"}),
        ("goal_add", {"direction": "seek"}),
    ],
)
def test_every_picker_and_goal_write_varies_on_htmx(member_client, name, data):
    InterestFactory(name="Podcasting extra", slug="podcasting")
    for headers in ({}, {"HX-Request": "true"}):
        response = member_client.post(reverse(name), data, headers=headers)
        assert _varies_on_htmx(response), (name, headers)


def test_removing_a_goal_varies_on_htmx(member_client, member):
    goal = MemberGoal.objects.create(
        profile=member, kind=GoalKindFactory(), direction="seek"
    )
    response = member_client.post(
        reverse("goal_remove", args=[goal.pk]), headers={"HX-Request": "true"}
    )
    assert _varies_on_htmx(response)
    assert _announced(response) == f"Removed: I seek {goal.kind.name}"


def test_a_rate_limited_answer_varies_on_htmx(member_client, settings):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "profile_edit": "1/h"}
    member_client.post(reverse("interest_add"), {"interest": "nope"})
    response = member_client.post(reverse("interest_add"), {"interest": "nope"})
    assert response.status_code == 429
    assert _varies_on_htmx(response)


def test_adding_a_tag_announces_it_with_the_count_and_keeps_the_search(
    member_client, interests
):
    response = member_client.post(
        reverse("interest_add"),
        {"interest": interests[3].slug, "q": "pod", "next": "/welcome/interests/"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert _announced(response) == "Added Podcasting (4 of 30)"
    # The search the member was typing in is still there, with its results.
    assert response.context["query"] == "pod"
    assert 'value="pod"' in response.content.decode()


def test_removing_a_tag_announces_it(member_client, interests):
    response = member_client.post(
        reverse("interest_remove"),
        {"interest": interests[0].slug},
        headers={"HX-Request": "true"},
    )
    assert _announced(response) == "Removed Medical journalism (2 of 30)"


def test_a_refused_tag_is_not_announced_as_added(member_client):
    response = member_client.post(
        reverse("interest_add"),
        {"interest": "no-such-tag"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers


def test_without_javascript_adding_a_tag_comes_back_to_the_same_search(
    member_client, interests
):
    response = member_client.post(
        reverse("interest_add"),
        {"interest": interests[3].slug, "q": "pod", "next": "/welcome/interests/"},
    )
    assert response.status_code == 302
    assert response.url == "/welcome/interests/?q=pod"


def test_the_tag_search_announces_how_many_it_found(member_client, interests):
    response = member_client.get(
        reverse("interest_search"), {"q": "op-ed"}, headers={"HX-Request": "true"}
    )
    assert _announced(response) == "1 interest found"
    response = member_client.get(
        reverse("interest_search"), {"q": "zzzz"}, headers={"HX-Request": "true"}
    )
    assert _announced(response) == "No match"


def test_adding_a_goal_announces_it(member_client, interests):
    kind = GoalKindFactory(name="Mentorship zz")
    response = member_client.post(
        reverse("goal_add"),
        {"direction": "offer", "kind": kind.pk, "interest": interests[0].pk},
        headers={"HX-Request": "true"},
    )
    assert _announced(response) == "Added: I offer Mentorship zz in Medical journalism"


def test_a_goal_error_without_javascript_stays_in_onboarding(member_client):
    response = member_client.post(
        reverse("goal_add"), {"direction": "seek", "next": "/welcome/goals/"}
    )
    assert response.status_code == 422
    assert response.templates[0].name == "profiles/onboarding_goals.html"
    html = response.content.decode()
    assert 'aria-current="step"' in html
    assert "This field is required." in html
    # Finishing from this page finishes onboarding, not another goal.
    assert '<form method="post" action="/welcome/goals/" class="step-next">' in html


def test_a_goal_error_from_the_profile_stays_on_the_profile(member_client):
    response = member_client.post(
        reverse("goal_add"), {"direction": "seek", "next": "/profile/goals/"}
    )
    assert response.status_code == 422
    assert response.templates[0].name == "profiles/profile_goals.html"


def test_the_directory_announces_the_count_not_the_list(member_client, other_member):
    services.profiles_refresh_search_vectors(profile_ids=[other_member.pk])
    response = member_client.get(reverse("directory"), {"q": "Other"}, headers=HTMX)
    assert _announced(response) == "1 member"
    assert "aria-live" not in response.content.decode()


def test_a_history_restore_gets_the_whole_directory_page(member_client):
    response = member_client.get(
        reverse("directory"),
        headers={**HTMX, "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in response.content


def test_the_directory_interest_filter_is_grouped_by_category_and_searchable(
    member_client, other_member, interests
):
    response = member_client.get(reverse("directory"), {"interest": "podcasting"})
    html = response.content.decode()
    # One collapsible group per category; the chosen tag's group is open.
    assert '<details class="tag-filter" open><summary>Writing (1 chosen)' in html
    assert html.count('<details class="tag-filter"') > 10
    # A filter box (shown by the script) over the list, and aliases to match on.
    assert 'data-filter-list="#tag-filter-list"' in html
    assert 'data-terms="EHR usability EHR EMR' in html


def test_onboarding_guesses_the_time_zone_only_before_the_first_save(client):
    fresh = ProfileFactory(role="")
    client.force_login(fresh.user)
    html = client.get(reverse("onboarding_about")).content.decode()
    assert "data-guess-time-zone" in html
    assert '<option value="">Choose your country</option>' in html
    assert 'src="/static/js/interactions.js"' in html


def test_a_saved_time_zone_is_never_guessed_over(member_client):
    html = member_client.get(reverse("onboarding_about")).content.decode()
    assert "data-guess-time-zone" not in html
