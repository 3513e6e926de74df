from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from profiles.models import (
    GoalKind,
    Interest,
    InterestCategory,
    Resource,
    Specialty,
)
from profiles.taxonomy import load_taxonomy
from profiles.taxonomy_data import BOARD_SPECIALTIES, TAGS

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "specialties": Specialty.objects.count(),
        "categories": InterestCategory.objects.count(),
        "interests": Interest.objects.count(),
        "goal_kinds": GoalKind.objects.count(),
        "resources": Resource.objects.count(),
    }


def test_the_migration_seeds_at_least_150_active_tags_in_13_categories():
    assert Interest.objects.active().count() >= 150
    assert InterestCategory.objects.count() >= 13
    assert all(
        category.interests.active().count() >= 5
        for category in InterestCategory.objects.all()
    )


def test_every_category_and_tag_has_a_description():
    assert not InterestCategory.objects.filter(description="").exists()
    assert not Interest.objects.filter(description="").exists()


def test_it_covers_healthcare_beyond_clinical_medicine():
    slugs = set(InterestCategory.objects.values_list("slug", flat=True))
    assert {
        "clinical-interests",
        "research",
        "medical-education",
        "leadership-and-administration",
        "health-policy-and-advocacy",
        "ai-and-digital-health",
        "emr-and-workflow",
        "entrepreneurship-and-devices",
        "medical-journalism-and-writing",
        "wellness-and-burnout",
        "global-and-public-health",
        "life-in-medicine",
        "careers",
    } <= slugs


def test_tags_a_member_may_want_hidden_are_sensitive():
    sensitive = set(
        Interest.objects.filter(sensitive=True).values_list("slug", flat=True)
    )
    assert {
        "infertility",
        "pregnancy-loss",
        "recovering-from-burnout",
        "physician-suicide-loss",
        "substance-use-recovery",
        "disability-in-medicine",
        "chronic-illness",
        "img-experience",
        "lgbtq-in-medicine",
        "first-generation-in-medicine",
        "divorce",
    } <= sensitive
    assert not Interest.objects.get(slug="point-of-care-ultrasound").sensitive


def test_only_the_wellness_category_is_a_wellbeing_category():
    assert list(
        InterestCategory.objects.filter(is_wellbeing=True).values_list(
            "slug", flat=True
        )
    ) == ["wellness-and-burnout"]


def test_the_wellbeing_resources_include_the_support_line_and_988():
    wellbeing = InterestCategory.objects.get(is_wellbeing=True)
    by_title = {r.title: r for r in wellbeing.resources.all()}

    support_line = by_title["Physician Support Line"]
    assert support_line.phone == "1-888-409-0141"
    assert support_line.url == "https://www.physiciansupportline.com"
    assert "confidential" in support_line.description
    assert by_title["988 Suicide & Crisis Lifeline"].phone == "988"
    assert "Dr. Lorna Breen Heroes' Foundation" in by_title


def test_several_other_categories_have_resources():
    with_resources = InterestCategory.objects.filter(
        is_wellbeing=False, resources__isnull=False
    ).distinct()
    assert with_resources.count() >= 6
    assert not Resource.objects.filter(url="").exists()


def test_every_abms_board_specialty_and_undecided_are_seeded():
    names = set(Specialty.objects.values_list("name", flat=True))
    assert {spec.name for spec in BOARD_SPECIALTIES} <= names
    assert "Psychiatry" in names
    assert "Neurology" in names
    assert Specialty.objects.filter(slug="undecided", parent=None).exists()


def test_subspecialties_belong_to_a_board_specialty():
    subspecialties = Specialty.objects.filter(parent__isnull=False)
    assert subspecialties.count() >= 40
    assert not subspecialties.filter(parent__parent__isnull=False).exists()
    assert Specialty.objects.get(slug="cardiology").parent.slug == "internal-medicine"
    assert Specialty.objects.get(slug="neonatal-perinatal-medicine").parent.slug == (
        "pediatrics"
    )


def test_goal_kinds_are_ordered_and_described():
    goals = list(GoalKind.objects.all())
    assert 12 <= len(goals) <= 64
    positions = [goal.position for goal in goals]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    assert all(goal.description for goal in goals)
    assert {"mentorship", "peer-support", "startup-co-founder"} <= {
        goal.slug for goal in goals
    }


def test_loading_the_taxonomy_again_creates_nothing():
    before = _counts()

    created = load_taxonomy(apps)

    assert set(created.values()) == {0}
    assert _counts() == before


def test_loading_adds_a_seed_tag_that_is_missing():
    Interest.objects.get(slug="graphic-medicine").delete()

    created = load_taxonomy(apps)

    assert created["interests"] == 1
    assert Interest.objects.get(slug="graphic-medicine").status == "active"


def test_loading_does_not_resurrect_a_retired_or_merged_tag():
    Interest.objects.filter(slug="epic-optimization").update(status="retired")
    survivor = Interest.objects.get(slug="ehr-usability")
    Interest.objects.filter(slug="note-templates").update(
        status="retired", merged_into=survivor
    )

    load_taxonomy(apps)

    assert Interest.objects.get(slug="epic-optimization").status == "retired"
    merged = Interest.objects.get(slug="note-templates")
    assert merged.status == "retired"
    assert merged.merged_into == survivor
    assert Interest.objects.filter(name__iexact="Note templates").count() == 1


def test_loading_keeps_what_an_admin_edited():
    Interest.objects.filter(slug="peer-review").update(description="Edited.")
    GoalKind.objects.filter(slug="co-author").update(is_active=False)
    Specialty.objects.filter(slug="epilepsy").update(is_active=False)

    load_taxonomy(apps)

    assert Interest.objects.get(slug="peer-review").description == "Edited."
    assert not GoalKind.objects.get(slug="co-author").is_active
    assert not Specialty.objects.get(slug="epilepsy").is_active


def test_loading_skips_a_tag_an_admin_already_has_under_another_slug():
    tag = Interest.objects.get(slug="medical-podcasting")
    tag.slug = "podcasts"
    tag.save(update_fields=["slug"])

    created = load_taxonomy(apps)

    assert created["interests"] == 0
    assert not Interest.objects.filter(slug="medical-podcasting").exists()


def test_loading_does_not_duplicate_resources():
    Resource.objects.filter(title="Physician Support Line").update(position=99)

    load_taxonomy(apps)

    assert Resource.objects.filter(title="Physician Support Line").count() == 1


def test_the_command_reports_what_it_created():
    Interest.objects.get(slug="theatre-and-improv").delete()
    out = StringIO()

    call_command("load_taxonomy", stdout=out)

    assert "1 interests" in out.getvalue()
    assert Interest.objects.filter(slug="theatre-and-improv").exists()


def test_tag_slugs_and_names_in_the_seed_are_unique():
    tags = [tag for tags in TAGS.values() for tag in tags]
    assert len({tag.slug for tag in tags}) == len(tags)
    assert len({tag.name.lower() for tag in tags}) == len(tags)
