"""What a member lists: their interests and their goals."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    GoalKind,
    Interest,
    MemberGoal,
    MemberInterest,
    Profile,
)
from .profile import profiles_refresh_search_vectors


@transaction.atomic
def member_interest_add(*, profile: Profile, interest: Interest) -> None:
    """Add a tag to a member's interests, within the allowed maximum."""
    if interest.status != Interest.Status.ACTIVE:
        raise ValidationError("This interest is not available.")
    # Lock the profile row so that two quick clicks cannot both pass the limit.
    Profile.objects.select_for_update().only("pk").get(pk=profile.pk)
    if profile.member_interests.filter(interest=interest).exists():
        return
    if profile.member_interests.count() >= settings.MAX_INTERESTS:
        raise ValidationError(
            f"You can pick at most {settings.MAX_INTERESTS} interests. "
            "Remove one to add another."
        )
    MemberInterest.objects.create(profile=profile, interest=interest)
    profiles_refresh_search_vectors(profile_ids=[profile.pk])


@transaction.atomic
def member_interest_remove(*, profile: Profile, interest: Interest) -> None:
    profile.member_interests.filter(interest=interest).delete()
    # A goal about an interest the member dropped keeps the goal, not the tie.
    profile.goals.filter(interest=interest).update(interest=None)
    profiles_refresh_search_vectors(profile_ids=[profile.pk])


@transaction.atomic
def member_goal_add(
    *,
    profile: Profile,
    kind: GoalKind,
    direction: str,
    interest: Interest | None = None,
) -> MemberGoal:
    if (
        interest is not None
        and not profile.member_interests.filter(interest=interest).exists()
    ):
        raise ValidationError("A goal can only be tied to one of your own interests.")
    if profile.goals.filter(direction=direction).count() >= (
        settings.MAX_GOALS_PER_DIRECTION
    ):
        raise ValidationError(
            f"You can list at most {settings.MAX_GOALS_PER_DIRECTION} goals here."
        )
    goal, _ = MemberGoal.objects.get_or_create(
        profile=profile, kind=kind, direction=direction, interest=interest
    )
    profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return goal


@transaction.atomic
def member_goal_remove(*, goal: MemberGoal) -> None:
    profile_id = goal.profile_id
    goal.delete()
    profiles_refresh_search_vectors(profile_ids=[profile_id])
