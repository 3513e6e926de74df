import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from profiles import selectors, services
from profiles.factories import (
    GoalKindFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    UserFactory,
)
from profiles.models import Interest, MemberGoal, MemberInterest

pytestmark = pytest.mark.django_db


def test_it_moves_every_member_link_when_merging_tags(interests):
    source, target = interests[0], interests[1]
    only_source = ProfileFactory(interests=[source])
    both = ProfileFactory(interests=[source, target])
    goal = MemberGoalFactory(profile=only_source, interest=source)

    moved = services.interest_merge(source=source, target=target)

    assert moved == 1
    assert list(only_source.interests.all()) == [target]
    assert list(both.interests.all()) == [target]
    assert not MemberInterest.objects.filter(interest=source).exists()
    source.refresh_from_db()
    assert source.status == Interest.Status.RETIRED
    assert source.merged_into == target
    goal.refresh_from_db()
    assert goal.interest == target


def test_it_keeps_one_goal_when_a_merge_would_duplicate_it(interests):
    source, target = interests[0], interests[1]
    profile = ProfileFactory(interests=[source, target])
    kind = GoalKindFactory()
    MemberGoalFactory(profile=profile, kind=kind, interest=source)
    MemberGoalFactory(profile=profile, kind=kind, interest=target)

    services.interest_merge(source=source, target=target)

    assert MemberGoal.objects.filter(profile=profile).count() == 1


def test_it_points_earlier_merges_at_the_survivor(interests):
    first, second, third = interests[:3]
    services.interest_merge(source=first, target=second)
    services.interest_merge(source=second, target=third)
    first.refresh_from_db()
    assert first.merged_into == third


def test_it_refuses_to_merge_a_tag_into_itself_or_a_retired_one(interests):
    with pytest.raises(ValidationError):
        services.interest_merge(source=interests[0], target=interests[0])
    services.interest_retire(interest=interests[1])
    with pytest.raises(ValidationError):
        services.interest_merge(source=interests[0], target=interests[1])


def test_a_suggestion_waits_as_pending_until_approved(category):
    user = UserFactory()
    interest = services.interest_suggest(
        user=user, name="  Wilderness   obstetrics ", category=category
    )
    assert interest.status == Interest.Status.PENDING
    assert interest.name == "Wilderness obstetrics"
    assert interest.suggested_by == user
    assert not selectors.interest_search(query="wilderness obst").exists()

    services.interest_approve(interest=interest)

    assert list(selectors.interest_search(query="wilderness obst")) == [interest]


def test_it_refuses_a_suggestion_that_already_exists(interests):
    with pytest.raises(ValidationError, match="already exists"):
        services.interest_suggest(
            user=UserFactory(),
            name="medical JOURNALISM",
            category=interests[0].category,
        )


def test_it_refuses_a_duplicate_pending_suggestion(category):
    services.interest_suggest(
        user=UserFactory(), name="Zymology in medicine", category=category
    )
    with pytest.raises(ValidationError, match="already been suggested"):
        services.interest_suggest(
            user=UserFactory(), name="zymology IN medicine", category=category
        )


def test_a_member_cannot_pick_more_than_the_maximum(settings, category):
    settings.MAX_INTERESTS = 3
    tags = [InterestFactory(category=category) for _ in range(4)]
    profile = ProfileFactory(interests=tags[:3])
    with pytest.raises(ValidationError, match="at most 3"):
        services.member_interest_add(profile=profile, interest=tags[3])
    assert profile.member_interests.count() == 3


def test_a_member_cannot_pick_a_pending_tag(category):
    pending = InterestFactory(category=category, status=Interest.Status.PENDING)
    profile = ProfileFactory()
    with pytest.raises(ValidationError):
        services.member_interest_add(profile=profile, interest=pending)


def test_a_goal_can_only_be_tied_to_ones_own_interest(interests):
    profile = ProfileFactory(interests=interests[:1])
    kind = GoalKindFactory()
    with pytest.raises(ValidationError):
        services.member_goal_add(
            profile=profile, kind=kind, direction="seek", interest=interests[2]
        )
    goal = services.member_goal_add(
        profile=profile, kind=kind, direction="offer", interest=interests[0]
    )
    assert str(goal) == f"Offers {kind.name} in {interests[0].name}"


def test_completeness_grows_with_the_profile(interests):
    profile = ProfileFactory(bio="", city="", interests=[])
    before = selectors.profile_completeness(profile=profile)
    assert not before.is_complete
    assert "at least 3 interests" in before.missing

    for interest in interests[:3]:
        services.member_interest_add(profile=profile, interest=interest)
    after = selectors.profile_completeness(profile=profile)
    assert after.percent == before.percent + 35
    assert "at least 3 interests" not in after.missing


def test_each_missing_piece_links_to_the_form_that_adds_it(interests):
    profile = ProfileFactory(bio="", interests=[], onboarded_at=timezone.now())

    steps = {
        step.label: step.url
        for step in selectors.profile_completeness(profile=profile).steps
    }

    assert steps == {
        "a short bio": reverse("profile_edit") + "#id_bio",
        "at least 3 interests": reverse("profile_interests"),
        "what you seek or offer": reverse("profile_goals"),
        "when you can take a call": reverse("profile_preferences") + "#call-windows",
    }


def test_before_onboarding_ends_the_links_go_to_its_steps(interests):
    profile = ProfileFactory(bio="", interests=[], onboarded_at=None)

    steps = {
        step.label: step.url
        for step in selectors.profile_completeness(profile=profile).steps
    }

    assert steps["a short bio"] == reverse("onboarding_about") + "#id_bio"
    assert steps["at least 3 interests"] == reverse("onboarding_interests")
    assert steps["what you seek or offer"] == reverse("onboarding_goals")


def test_a_complete_profile_is_complete(interests):
    profile = ProfileFactory(interests=interests[:3])
    MemberGoalFactory(profile=profile)
    profile.call_windows.create(weekday=0, start="12:00", end="13:00")
    completeness = selectors.profile_completeness(profile=profile)
    assert completeness.is_complete
    assert completeness.percent == 100
