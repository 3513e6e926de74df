import pytest
from django.urls import reverse

from profiles.models import Interest

pytestmark = pytest.mark.django_db


def test_tag_suggestions_are_limited_per_member(member_client, settings, category):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "tag_suggest": "2/h"}
    for n in range(2):
        response = member_client.post(
            reverse("interest_suggest"), {"name": f"Quux {n}", "category": category.pk}
        )
        assert response.status_code == 302
    response = member_client.post(
        reverse("interest_suggest"), {"name": "Quux 2", "category": category.pk}
    )
    assert response.status_code == 429
    assert "suggested many tags" in response.text
    assert not Interest.objects.filter(name="Quux 2").exists()


def test_htmx_gets_a_429_with_just_the_message(member_client, settings, interests):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "profile_edit": "1/h"}
    headers = {"HX-Request": "true"}
    url = reverse("interest_add")
    member_client.post(url, {"interest": interests[3].slug}, headers=headers)
    response = member_client.post(url, {"interest": interests[3].slug}, headers=headers)
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.text


def test_the_limit_is_per_member(client, settings, member, other_member, interests):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "profile_edit": "1/h"}
    url = reverse("interest_remove")
    client.force_login(member.user)
    assert client.post(url, {"interest": interests[0].slug}).status_code == 302
    assert client.post(url, {"interest": interests[1].slug}).status_code == 429
    client.force_login(other_member.user)
    assert client.post(url, {"interest": interests[1].slug}).status_code == 302


def test_reading_pages_is_not_limited(member_client, settings):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "profile_edit": "1/h"}
    for _ in range(3):
        assert member_client.get(reverse("profile_edit")).status_code == 200
