import threading
from dataclasses import replace
from datetime import time

import pytest
from django.db import connections

from introductions import services
from introductions.explanations import Explanation, GoalMatch
from introductions.factories import IntroductionFactory
from profiles.factories import (
    GoalKindFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    SpecialtyFactory,
)
from profiles.models import CallWindow

EXPLANATION = Explanation(
    shared_interests=("Medical journalism", "Global health"),
    shared_sensitive_interests=("Burnout recovery",),
    cross_specialty=True,
)


def shared_tags():
    """The tags EXPLANATION names, for members who really hold them."""
    return [
        InterestFactory(name="Medical journalism"),
        InterestFactory(name="Global health"),
        InterestFactory(name="Burnout recovery", sensitive=True),
    ]


def weekday_windows(profile, start=time(9, 0), end=time(17, 0)):
    CallWindow.objects.bulk_create(
        [CallWindow(profile=profile, weekday=d, start=start, end=end) for d in range(5)]
    )


@pytest.fixture
def make_intro(db):
    """A proposed intro between two new members (Alice in New York, Bruno in Paris)."""

    def make(**intro_fields):
        alice = ProfileFactory(
            display_name="Alice Archer",
            time_zone="America/New_York",
            city="New York",
            specialty=SpecialtyFactory(name="Cardiology", slug="cardiology"),
            bio="Cardiologist who writes about medicine for newspapers.",
        )
        bruno = ProfileFactory(
            display_name="Bruno Brun",
            time_zone="Europe/Paris",
            city="Paris",
            specialty=SpecialtyFactory(name="Oncology", slug="oncology"),
            bio="Oncologist, global health volunteer.",
        )
        tags = shared_tags()
        for member in (alice, bruno):
            member.interests.add(*tags)
        mentorship = GoalKindFactory(name="Mentorship", slug="mentorship")
        MemberGoalFactory(
            profile=alice, kind=mentorship, direction="seek", interest=tags[0]
        )
        MemberGoalFactory(
            profile=bruno, kind=mentorship, direction="offer", interest=tags[0]
        )
        explanation = replace(
            EXPLANATION,
            goals=(GoalMatch(alice.pk, bruno.pk, "Mentorship", "Medical journalism"),),
        )
        fields = {"score": 0.5, "explanation": explanation.to_json()} | intro_fields
        return IntroductionFactory(member_a=alice, member_b=bruno, **fields)

    return make


@pytest.fixture
def offered(make_intro):
    intro = make_intro()
    return services.intro_offer(intro=intro)


def race(*calls):
    """Run the calls at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # the outcome is what the test compares
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
