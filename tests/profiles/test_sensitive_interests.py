"""A sensitive tag counts for matching but is shown to nobody but its member."""

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles import services
from profiles.factories import InterestFactory, MemberGoalFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive():
    return InterestFactory(name="Recovering from burnout zz", sensitive=True)


@pytest.fixture
def holder(sensitive, interests):
    profile = ProfileFactory(
        display_name="Dr. Private Person",
        interests=[sensitive, *interests[:3]],
        onboarded_at=timezone.now(),
    )
    MemberGoalFactory(profile=profile, interest=sensitive, direction="seek")
    services.profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return profile


def test_it_is_not_on_the_profile_page_for_others(member_client, holder):
    response = member_client.get(holder.get_absolute_url())
    assert "Dr. Private Person" in response.text
    assert "burnout zz" not in response.text


def test_the_member_sees_it_on_their_own_profile(client, holder):
    client.force_login(holder.user)
    response = client.get(holder.get_absolute_url())
    assert "Recovering from burnout zz" in response.text
    assert "only you see it" in response.text


def test_it_is_not_in_the_directory_listing(member_client, holder):
    response = member_client.get(reverse("directory"))
    assert "Dr. Private Person" in response.text
    assert "burnout zz" not in response.text


def test_searching_for_it_finds_nobody(member_client, holder, sensitive):
    response = member_client.get(reverse("directory"), {"q": "burnout zz"})
    assert "Dr. Private Person" not in response.text
    response = member_client.get(reverse("directory"), {"interest": sensitive.slug})
    assert response.context["page"].paginator.count == 0


def test_it_is_not_offered_as_a_directory_filter(member_client, holder, sensitive):
    response = member_client.get(reverse("directory"))
    assert sensitive.slug not in response.text


def test_its_address_does_not_exist(member_client, sensitive):
    response = member_client.get(reverse("interest_detail", args=[sensitive.slug]))
    assert response.status_code == 404
