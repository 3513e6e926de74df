"""Tags are found by their abbreviations and synonyms, curated in the admin."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from profiles import selectors, services
from profiles.factories import InterestFactory, ProfileFactory
from profiles.models import Interest
from profiles.taxonomy import load_taxonomy, seed_aliases
from profiles.taxonomy_data import TAG_ALIASES

pytestmark = pytest.mark.django_db


def _names(query: str) -> list[str]:
    return [tag.name for tag in selectors.interest_search(query=query)]


def test_the_migration_gives_the_seeded_tags_their_aliases():
    tag = Interest.objects.get(slug="machine-learning-in-medicine")
    assert {"ML", "AI", "artificial intelligence"} <= set(tag.aliases)
    with_aliases = Interest.objects.exclude(aliases=[]).count()
    assert with_aliases == len(TAG_ALIASES)


def test_an_abbreviation_finds_its_tag_first():
    assert _names("ML")[0] == "Machine learning in medicine"
    assert _names("pocus") == ["Point-of-care ultrasound"]


def test_a_synonym_finds_the_ai_tags():
    names = _names("artificial intelligence")
    assert "Machine learning in medicine" in names
    assert "Large language models" in names
    assert "Department chair" not in names


def test_ehr_finds_the_emr_and_workflow_tags():
    names = set(_names("EHR"))
    assert {"EHR usability", "Epic optimization", "Inbox management"} <= names
    emr = Interest.objects.filter(category__slug="emr-and-workflow")
    assert names <= set(emr.values_list("name", flat=True))


def test_an_alias_only_matches_at_a_word_start():
    # "ML" is inside "html" or "xml" in no tag, but "ai" is inside many words.
    assert "Physician wellbeing" not in _names("ai")
    assert "Department chair" not in _names("ai")


def test_the_tag_search_endpoint_searches_aliases(member_client):
    response = member_client.get(
        reverse("interest_search"), {"q": "EHR"}, headers={"HX-Request": "true"}
    )
    assert "EHR usability" in response.content.decode()


def test_the_directory_finds_members_through_their_tags_aliases(
    member_client, interests
):
    epic = Interest.objects.get(slug="epic-optimization")
    holder = ProfileFactory(
        display_name="Dr. Epic Holder",
        interests=[epic, *interests[:2]],
        onboarded_at=timezone.now(),
    )
    services.profiles_refresh_search_vectors(profile_ids=[holder.pk])
    response = member_client.get(reverse("directory"), {"q": "EHR"})
    assert [m.pk for m in response.context["page"].object_list] == [holder.pk]


def test_an_admin_curates_aliases_and_the_search_follows(admin_client, interests):
    tag = InterestFactory(name="Wilderness medicine zz")
    holder = ProfileFactory(
        display_name="Dr. Mountain",
        interests=[tag, *interests[:2]],
        onboarded_at=timezone.now(),
    )
    services.profiles_refresh_search_vectors(profile_ids=[holder.pk])
    url = reverse("admin:profiles_interest_change", args=[tag.pk])
    response = admin_client.post(
        url,
        {
            "name": tag.name,
            "slug": tag.slug,
            "description": tag.description,
            "aliases": "backcountry, expedition medicine",
            "category": tag.category_id,
            "created_at_0": "2026-01-01",
            "created_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    tag.refresh_from_db()
    assert tag.aliases == ["backcountry", "expedition medicine"]
    assert _names("expedition") == ["Wilderness medicine zz"]
    assert ProfileFactory._meta.model.objects.filter(
        pk=holder.pk, search_vector="backcountry"
    ).exists()
    changelist = admin_client.get(
        reverse("admin:profiles_interest_changelist"), {"q": "Wilderness"}
    )
    assert "backcountry, expedition medicine" in changelist.content.decode()


def test_seeding_never_replaces_an_admins_aliases():
    tag = Interest.objects.get(slug="epic-optimization")
    tag.aliases = ["Hyperdrive"]
    tag.save()
    Interest.objects.filter(slug="venture-capital").update(aliases=[])
    assert seed_aliases(Interest) == 1
    tag.refresh_from_db()
    assert tag.aliases == ["Hyperdrive"]
    assert Interest.objects.get(slug="venture-capital").aliases == ["VC"]


def test_a_tag_the_loader_creates_again_gets_its_aliases():
    Interest.objects.filter(slug="venture-capital").delete()
    load_taxonomy(apps)
    assert Interest.objects.get(slug="venture-capital").aliases == ["VC"]
