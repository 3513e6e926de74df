"""A small, hand-built history whose every figure is worked out in the tests.

Members (all signed up the week of 26 Oct 2026):
  A attending, specialty S1, US, New York      (onboarded, 3 interests, a goal)
  B student,   specialty S2, CA, Toronto       (onboarded, 3 interests, a goal)
  C resident,  specialty S1, US, Los Angeles   (onboarded, 3 interests, a goal)
  D attending, specialty S2, US, New York      (onboarded, 3 interests, a goal; paused)
  E attending, specialty S1, US, New York      (onboarded, 3 interests, no goal)
  F fellow, never verified, never onboarded, later suspended

Stage one (round R1, week of 2 Nov): I1 A–B 0.9 connected (answers after 2 h
and 4 h); I2 C–D 0.5, C declined after 10 h; I3 A–C 0.2 offered, no answer
yet. E left out as the odd one out.
Stage two: I3 expires unanswered; A and B say they met (ratings 5 and 4).
Round R2 (week of 9 Nov): I4 B–D 0.7, B accepted after 1 h, D never answered,
expired; I5 A–D 0.3 proposed, never offered. E left out for capacity. I6 C–E,
requested by C, offered and open. A dry run with 99 members and no intro.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from introductions.models import (
    Feedback,
    Introduction,
    OutboxEmail,
    Report,
)
from matching.models import AutoPause, LeftOut, Round, RoundPair
from profiles.factories import (
    GoalKindFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    SpecialtyFactory,
    UserFactory,
)
from profiles.models import Profile


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


SIGNUP = at(10, 26, 9)
ROLLUP_ONE = at(11, 4, 12)
NOW = at(11, 20, 12)
WEEK_ONE, WEEK_TWO = date(2026, 11, 2), date(2026, 11, 9)


@dataclass
class History:
    m: dict[str, Profile] = field(default_factory=dict)
    intros: dict[str, Introduction] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)


def _intro(h: History, name: str, one: str, other: str, **fields) -> Introduction:
    """An intro; responses are given per member as {"A": ("accepted", hours)}."""
    a, b = sorted((h.m[one], h.m[other]), key=lambda p: p.pk)
    answers = fields.pop("answers", {})
    for member, (response, hours) in answers.items():
        side = "a" if h.m[member] == a else "b"
        fields[f"{side}_response"] = response
        fields[f"{side}_responded_at"] = fields["offered_at"] + timedelta(hours=hours)
    intro = Introduction.objects.create(member_a=a, member_b=b, **fields)
    h.intros[name] = intro
    return intro


def _pair(round_: Round, intro: Introduction) -> None:
    a, b = intro.both_members()
    RoundPair.objects.create(
        round=round_,
        member_a=a,
        member_b=b,
        score=intro.score,
        explanation=intro.explanation,
        introduction=intro,
    )


def stage_one() -> History:
    h = History()
    with time_machine.travel(SIGNUP, tick=False):
        s1, s2 = SpecialtyFactory(name="S1"), SpecialtyFactory(name="S2")
        interests = [InterestFactory.create() for _ in range(3)]
        goal = GoalKindFactory()
        people = {
            "A": ("attending", s1, "US", "America/New_York"),
            "B": ("student", s2, "CA", "America/Toronto"),
            "C": ("resident", s1, "US", "America/Los_Angeles"),
            "D": ("attending", s2, "US", "America/New_York"),
            "E": ("attending", s1, "US", "America/New_York"),
        }
        for name, (role, specialty, country, tz) in people.items():
            h.m[name] = ProfileFactory.create(
                display_name=f"Member {name}",
                role=role,
                specialty=specialty,
                country=country,
                time_zone=tz,
                interests=interests,
                onboarded_at=at(10, 27),
            )
            if name != "E":
                MemberGoalFactory(profile=h.m[name], kind=goal)
        h.m["F"] = ProfileFactory.create(
            display_name="Member F",
            role="fellow",
            user=UserFactory(verified=False),
        )

    with time_machine.travel(at(11, 3, 9), tick=False):
        r1 = Round.objects.create(
            trigger=Round.Trigger.BEAT,
            status=Round.Status.DONE,
            created_at=at(11, 2, 10),
            finished_at=at(11, 2, 11),
            members_considered=5,
        )
        h.rounds["R1"] = r1
        LeftOut.objects.create(
            round=r1, member=h.m["E"], reason=LeftOut.Reason.ODD_ONE_OUT
        )
        offered = at(11, 3, 10)
        _intro(
            h,
            "I1",
            "A",
            "B",
            score=0.9,
            explanation={
                "shared_interests": ["x"],
                "goals": [{"kind": "Mentorship"}],
                "cross_specialty": True,
            },
            state=Introduction.State.CONNECTED,
            offered_at=offered,
            connected_at=offered + timedelta(hours=4),
            answers={"A": ("accepted", 2), "B": ("accepted", 4)},
        )
        _intro(
            h,
            "I2",
            "C",
            "D",
            score=0.5,
            explanation={"shared_interests": ["x"], "cross_specialty": True},
            state=Introduction.State.DECLINED,
            offered_at=offered,
            answers={"C": ("declined", 10)},
        )
        _intro(
            h,
            "I3",
            "A",
            "C",
            score=0.2,
            explanation={"shared_interests": [], "goals": []},
            state=Introduction.State.OFFERED,
            offered_at=offered,
        )
        for name in ("I1", "I2", "I3"):
            _pair(r1, h.intros[name])
    return h


def stage_two(h: History) -> None:
    with time_machine.travel(at(11, 10, 9), tick=False):
        i3 = h.intros["I3"]
        i3.state = Introduction.State.EXPIRED
        i3.save()
        r2 = Round.objects.create(
            trigger=Round.Trigger.BEAT,
            status=Round.Status.DONE,
            created_at=at(11, 9, 10),
            finished_at=at(11, 9, 11),
            members_considered=4,
        )
        h.rounds["R2"] = r2
        LeftOut.objects.create(
            round=r2, member=h.m["E"], reason=LeftOut.Reason.CAPACITY
        )
        Round.objects.create(
            trigger=Round.Trigger.ADMIN,
            dry_run=True,
            status=Round.Status.DONE,
            created_at=at(11, 9, 12),
            members_considered=99,
        )
        offered = at(11, 10, 10)
        _intro(
            h,
            "I4",
            "B",
            "D",
            score=0.7,
            explanation={},
            state=Introduction.State.OFFERED,
            offered_at=offered,
            answers={"B": ("accepted", 1)},
        )
        _intro(h, "I5", "A", "D", score=0.3, explanation={})
        for name in ("I4", "I5"):
            _pair(r2, h.intros[name])
    with time_machine.travel(at(11, 10, 12), tick=False):
        _intro(
            h,
            "I6",
            "C",
            "E",
            requested_by=h.m["C"],
            state=Introduction.State.OFFERED,
            offered_at=at(11, 10, 12),
        )
    with time_machine.travel(at(11, 14, 9), tick=False):
        Feedback.objects.create(
            intro=h.intros["I1"], member=h.m["A"], met="yes", rating=5
        )
        Feedback.objects.create(
            intro=h.intros["I1"], member=h.m["B"], met="yes", rating=4
        )
    with time_machine.travel(at(11, 17, 10), tick=False):
        i4 = h.intros["I4"]
        i4.state = Introduction.State.EXPIRED
        i4.save()
    with time_machine.travel(at(11, 18, 9), tick=False):
        for name, last in (("A", at(11, 9)), ("B", at(11, 9)), ("C", at(11, 3))):
            Profile.objects.filter(pk=h.m[name].pk).update(last_intro_at=last)
        Profile.objects.filter(pk=h.m["D"].pk).update(
            last_intro_at=at(11, 1), intro_frequency=Profile.Frequency.PAUSED
        )
        f_user = h.m["F"].user
        f_user.is_active = False
        f_user.save()
        for n, status in enumerate(("pending", "pending", "failed", "sent")):
            OutboxEmail.objects.create(
                recipient=h.m["A"],
                kind=OutboxEmail.Kind.WARNING,
                event_key=f"test-warning-{n}",
                to_email="a@example.org",
                subject="s",
                text_body="t",
                status=status,
            )
        Report.objects.create(reporter=h.m["A"], reported=h.m["C"], reason="spam")
        Report.objects.create(
            reporter=h.m["B"], reported=h.m["C"], reason="spam", status="dismissed"
        )
        AutoPause.objects.create(profile=h.m["D"], created_at=at(11, 15))
        AutoPause.objects.create(profile=h.m["D"], created_at=at(9, 1))


@pytest.fixture
def history(db) -> History:
    h = stage_one()
    stage_two(h)
    return h
