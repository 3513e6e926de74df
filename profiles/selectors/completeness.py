"""How complete a profile is: the steps it still lacks."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from ..models import (
    Interest,
    Profile,
)


@dataclass(frozen=True)
class MissingStep:
    """One thing a profile lacks, and the address of the form that adds it."""

    label: str
    url: str


@dataclass(frozen=True)
class Completeness:
    percent: int
    steps: list[MissingStep]

    @property
    def missing(self) -> list[str]:
        return [step.label for step in self.steps]

    @property
    def is_complete(self) -> bool:
        return not self.steps


def profile_completeness(*, profile: Profile) -> Completeness:
    """How far a member is from a profile the matching engine can use well, and
    where each missing piece is added: the onboarding step while the member has not
    finished onboarding, the profile tab (at the very field) after.

    Interests weigh most: without at least three, a member cannot be matched.
    """
    interest_count = profile.member_interests.filter(
        interest__status=Interest.Status.ACTIVE
    ).count()
    goal_count = profile.goals.count()
    onboarding = profile.onboarded_at is None
    about = reverse("onboarding_about" if onboarding else "profile_edit")
    checks = [
        (bool(profile.display_name), 10, "your name", f"{about}#id_display_name"),
        (bool(profile.role), 10, "your role", f"{about}#id_role"),
        (
            profile.specialty_id is not None,
            10,
            "your specialty",
            f"{about}#id_specialty",
        ),
        (
            bool(profile.city and profile.country),
            5,
            "where you are",
            f"{about}#id_city",
        ),
        (bool(profile.bio), 10, "a short bio", f"{about}#id_bio"),
        (
            interest_count >= settings.MIN_INTERESTS,
            35,
            f"at least {settings.MIN_INTERESTS} interests",
            reverse("onboarding_interests" if onboarding else "profile_interests"),
        ),
        (
            goal_count > 0,
            15,
            "what you seek or offer",
            reverse("onboarding_goals" if onboarding else "profile_goals"),
        ),
        (
            profile.call_windows.exists(),
            5,
            "when you can take a call",
            reverse("profile_preferences") + "#call-windows",
        ),
    ]
    percent = sum(weight for done, weight, _, _ in checks if done)
    steps = [MissingStep(label, url) for done, _, label, url in checks if not done]
    return Completeness(percent=percent, steps=steps)
