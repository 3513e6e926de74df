"""A member's city (and region) reach others only when they chose to show it.

One rule (profiles.selectors.profile_shown) decides; each surface that
describes a member to someone else is checked here, with the city hidden and,
as a control that the check can see it, shown.
"""

import pytest
from django.urls import reverse

from introductions import services, tokens
from introductions.factories import IntroductionFactory
from introductions.models import OutboxEmail
from introductions.outbox import outbox_enqueue_intro_email
from introductions.privacy import intros_export
from profiles.factories import ProfileFactory
from profiles.selectors import profile_shown

pytestmark = pytest.mark.django_db

CITY, REGION = "Quillstadt", "Northmarch"


@pytest.fixture(params=[False, True], ids=["city-hidden", "city-shown"])
def shows_city(request):
    return request.param


@pytest.fixture
def pair(shows_city):
    private = ProfileFactory(
        display_name="Petra Private",
        city=CITY,
        region=REGION,
        show_city=shows_city,
        onboarded_at="2026-01-01T00:00Z",
    )
    reader = ProfileFactory(display_name="Rex Reader", city="Elsewhere")
    return private, reader


def _seen(text: str, shows_city: bool) -> None:
    assert (CITY in text) is shows_city
    if not shows_city:
        assert REGION not in text


def test_the_rule_hides_the_place_from_others_but_not_from_the_member(pair):
    private, reader = pair
    to_other = profile_shown(profile=private, reader=reader)
    to_self = profile_shown(profile=private, reader=private.user)

    assert (to_other.city, to_other.region) == (
        (CITY, REGION) if private.show_city else ("", "")
    )
    assert (to_self.city, to_self.region) == (CITY, REGION)
    assert to_other.name == "Petra Private"


@pytest.mark.parametrize("kind", ["offer", "reminder", "connected"])
def test_emails_about_a_member_show_their_city_only_if_they_chose_to(
    pair, shows_city, kind
):
    private, reader = pair
    intro = services.intro_offer(
        intro=IntroductionFactory(member_a=private, member_b=reader)
    )
    if kind == "connected":
        services.intro_accept(intro=intro, member=reader)
        services.intro_accept(intro=intro, member=private)
    elif kind == "reminder":
        outbox_enqueue_intro_email(
            intro=intro, recipient=reader, kind=OutboxEmail.Kind.REMINDER
        )

    email = OutboxEmail.objects.get(intro=intro, recipient=reader, kind=kind)

    _seen(email.text_body, shows_city)
    _seen(email.html_body, shows_city)


def test_the_accept_confirmation_page_shows_the_city_only_if_chosen(
    client, pair, shows_city
):
    private, reader = pair
    intro = services.intro_offer(
        intro=IntroductionFactory(member_a=private, member_b=reader)
    )
    token = tokens.make_token(action="accept", member_id=reader.pk, intro_id=intro.pk)

    response = client.get(reverse("intro_link_accept", args=[token]))

    assert response.status_code == 200
    _seen(response.content.decode(), shows_city)


def test_the_dashboard_card_shows_the_city_only_if_chosen(client, pair, shows_city):
    private, reader = pair
    services.intro_offer(intro=IntroductionFactory(member_a=private, member_b=reader))
    client.force_login(reader.user)

    response = client.get(reverse("dashboard"))

    assert "Petra Private" in response.content.decode()
    _seen(response.content.decode(), shows_city)


def test_the_directory_and_profile_page_show_the_city_only_if_chosen(
    client, pair, shows_city
):
    private, reader = pair
    client.force_login(reader.user)

    directory = client.get(reverse("directory")).content.decode()
    page = client.get(reverse("member_detail", args=[private.pk])).content.decode()

    assert "Petra Private" in directory
    _seen(directory, shows_city)
    _seen(page, shows_city)


def test_a_member_always_sees_their_own_city(client, pair):
    private, _ = pair
    client.force_login(private.user)

    page = client.get(reverse("member_detail", args=[private.pk])).content.decode()

    assert CITY in page
    assert REGION in page


def test_the_data_export_names_the_other_member_without_their_place(pair):
    private, reader = pair
    services.intro_offer(intro=IntroductionFactory(member_a=private, member_b=reader))

    entry = intros_export(profile=reader)["introductions"][0]

    assert entry["with"] == "Petra Private"
    assert CITY not in str(entry)


def test_the_directory_search_finds_a_member_by_place_only_if_shown(
    client, pair, shows_city
):
    from profiles.services import profiles_refresh_search_vectors

    private, reader = pair
    profiles_refresh_search_vectors(profile_ids=[private.pk])
    client.force_login(reader.user)

    for place in (CITY, REGION):
        found = client.get(reverse("directory"), {"q": place}).content.decode()
        assert ("Petra Private" in found) is shows_city, place
