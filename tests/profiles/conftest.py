import pytest

from profiles.factories import (
    InterestCategoryFactory,
    InterestFactory,
    ProfileFactory,
)


@pytest.fixture
def category():
    return InterestCategoryFactory(name="Writing", slug="writing-test")


@pytest.fixture
def interests(category):
    return [
        InterestFactory(name=name, category=category)
        for name in ("Medical journalism", "AI in medicine", "Policy", "Podcasting")
    ]


@pytest.fixture
def member(interests):
    """A verified, onboarded member with three interests."""
    from django.utils import timezone

    profile = ProfileFactory(interests=interests[:3], onboarded_at=timezone.now())
    return profile


@pytest.fixture
def other_member(interests):
    from django.utils import timezone

    return ProfileFactory(
        display_name="Dr. Other Person",
        interests=interests[1:4],
        onboarded_at=timezone.now(),
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client
