import pytest

from profiles.factories import (
    GoalKindFactory,
    InterestFactory,
    ProfileFactory,
    SpecialtyFactory,
)
from profiles.models import MemberGoal


@pytest.fixture
def make_member(db):
    """A member eligible for a round unless told otherwise.

    `interests` are Interest objects or names (created on first use); `seeks` and
    `offers` are GoalKind objects, or (GoalKind, Interest) for a goal tied to one.
    """

    def make(
        interests=("Medical journalism", "AI in medicine", "Global health"),
        *,
        seeks=(),
        offers=(),
        **profile_fields,
    ):
        tags = [i if not isinstance(i, str) else interest_named(i) for i in interests]
        profile = ProfileFactory(interests=tags, **profile_fields)
        for direction, goals in (
            (MemberGoal.Direction.SEEK, seeks),
            (MemberGoal.Direction.OFFER, offers),
        ):
            for goal in goals:
                kind, about = goal if isinstance(goal, tuple) else (goal, None)
                MemberGoal.objects.create(
                    profile=profile, kind=kind, direction=direction, interest=about
                )
        return profile

    return make


def interest_named(name: str, **fields):
    from django.utils.text import slugify

    return InterestFactory(name=name, slug=slugify(name), **fields)


@pytest.fixture
def goal_kind(db):
    return lambda name: GoalKindFactory(name=name)


@pytest.fixture
def specialty(db):
    return lambda name: SpecialtyFactory(name=name)
