import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from profiles import services
from profiles.models import Profile

pytestmark = pytest.mark.django_db


def _connect(one: Profile, other: Profile) -> None:
    IntroductionFactory(
        member_a=one, member_b=other, state=Introduction.State.CONNECTED
    )


def test_a_connections_only_profile_is_hidden_from_other_members(
    member_client, other_member
):
    other_member.profile_visibility = Profile.Visibility.CONNECTIONS
    other_member.save()
    response = member_client.get(other_member.get_absolute_url())
    assert response.status_code == 404
    listing = member_client.get(reverse("directory"))
    assert "Dr. Other Person" not in listing.text


def test_a_connections_only_profile_is_shown_to_a_connection(
    member_client, member, other_member
):
    other_member.profile_visibility = Profile.Visibility.CONNECTIONS
    other_member.save()
    _connect(member, other_member)
    assert member_client.get(other_member.get_absolute_url()).status_code == 200
    assert "Dr. Other Person" in member_client.get(reverse("directory")).text


def test_the_owner_always_sees_their_own_profile(client, other_member):
    other_member.profile_visibility = Profile.Visibility.CONNECTIONS
    other_member.save()
    client.force_login(other_member.user)
    assert client.get(other_member.get_absolute_url()).status_code == 200


def test_a_member_can_leave_the_directory_but_keep_their_page(
    member_client, other_member
):
    other_member.listed_in_directory = False
    other_member.save()
    assert "Dr. Other Person" not in member_client.get(reverse("directory")).text
    assert member_client.get(other_member.get_absolute_url()).status_code == 200


def test_a_hidden_city_is_neither_shown_nor_searchable(member_client, other_member):
    other_member.city = "Reykjavik"
    other_member.show_city = False
    services.profile_save(profile=other_member)
    page = member_client.get(other_member.get_absolute_url())
    assert "Reykjavik" not in page.text
    found = member_client.get(reverse("directory"), {"q": "Reykjavik"})
    assert found.context["page"].paginator.count == 0


def test_the_privacy_form_saves(member_client, member):
    response = member_client.post(
        reverse("profile_privacy"),
        {"profile_visibility": "connections", "show_city": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.profile_visibility == "connections"
    assert member.listed_in_directory is False
    assert member.show_city is True


def test_pausing_from_the_dashboard_until_a_date_and_resuming(member_client, member):
    until = timezone.localdate() + dt.timedelta(days=30)
    response = member_client.post(reverse("pause"), {"until": until.isoformat()})
    assert response.url == reverse("dashboard")
    member.refresh_from_db()
    assert member.paused_until == until
    assert member.is_paused()
    assert "Resume introductions" in member_client.get(reverse("dashboard")).text

    member_client.post(reverse("resume"))
    member.refresh_from_db()
    assert not member.is_paused()


def test_pausing_indefinitely(member_client, member):
    member_client.post(reverse("pause"), {"until": ""})
    member.refresh_from_db()
    assert member.intro_frequency == Profile.Frequency.PAUSED


def test_a_pause_date_in_the_past_is_refused(member_client, member):
    response = member_client.post(
        reverse("pause"), {"until": "2001-01-01"}, follow=True
    )
    assert "Pick a date in the future" in response.text
    member.refresh_from_db()
    assert not member.is_paused()


def test_preferences_save_with_a_pause_that_has_ended(member_client, member):
    ended = timezone.localdate() - dt.timedelta(days=3)
    member.paused_until = ended
    member.save(update_fields=["paused_until"])
    page = member_client.get(reverse("profile_preferences"))
    assert f'value="{ended.isoformat()}"' in page.text

    response = member_client.post(
        reverse("profile_preferences"),
        {
            "prefs-intro_frequency": "monthly",
            "prefs-paused_until": ended.isoformat(),
            "prefs-max_open_intros": "3",
            "prefs-meeting_minutes": "30",
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.intro_frequency == "monthly"


@pytest.mark.parametrize("name", ["pause", "resume"])
def test_pause_and_resume_refuse_a_get(member_client, name):
    assert member_client.get(reverse(name)).status_code == 405
