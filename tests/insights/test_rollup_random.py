"""The incremental rollup equals a full recomputation on randomized histories.

Each history runs for several weeks: every week a round proposes intros among
randomly chosen members (some offered, answered, connected), the open intros of
the weeks before are resolved, follow-up answers arrive and change, members ask
for intros outside rounds, and a dry run now and then. After each week the
incremental rollup runs; a full recomputation (rolled back, so that the chain of
incremental runs goes on) must then write exactly the same rows. Both ways of
recounting members are checked: along their indexes and in one pass.
"""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from insights.models import RoundBreakdown, RoundFunnel
from insights.services import insights_rollup, rollup
from introductions.models import Feedback, Introduction
from matching.models import LeftOut, Round, RoundPair
from profiles.factories import (
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    SpecialtyFactory,
)

from .test_rollup import table_rows

START = datetime(2026, 9, 7, 9, tzinfo=UTC)
WEEKS = 5
MEMBERS = 24
ROLES = ["attending", "resident", "student", "fellow", "retired", ""]
PLACES = [
    ("US", "America/New_York"),
    ("US", "America/Los_Angeles"),
    ("CA", "America/Toronto"),
    ("GB", "Europe/London"),
    ("", "UTC"),
]
OPEN = list(Introduction.OPEN_STATES)


def _members(rng: random.Random) -> list:
    specialties = [SpecialtyFactory(name=f"S{n}") for n in range(3)]
    interests = [InterestFactory() for _ in range(3)]
    members = []
    with time_machine.travel(START - timedelta(days=rng.randrange(1, 20)), tick=False):
        for n in range(MEMBERS):
            country, tz = rng.choice(PLACES)
            profile = ProfileFactory(
                display_name=f"Member {n}",
                role=rng.choice(ROLES),
                specialty=rng.choice([*specialties, None]),
                country=country,
                time_zone=tz,
                interests=interests[: rng.randrange(0, 4)],
                onboarded_at=START - timedelta(days=1) if rng.random() < 0.9 else None,
            )
            if rng.random() < 0.7:
                MemberGoalFactory(profile=profile)
            members.append(profile)
    return members


def _explanation(rng: random.Random) -> dict:
    return {
        "shared_interests": ["x"] if rng.random() < 0.6 else [],
        "shared_sensitive_interests": ["y"] if rng.random() < 0.1 else [],
        "goals": [{"kind": "g"}] if rng.random() < 0.4 else "not a list",
        "cross_specialty": rng.random() < 0.5,
    }


def _components(rng: random.Random) -> dict:
    """The score's parts, as a round stores them (a few intros from before)."""
    if rng.random() < 0.1:
        return {}
    cross = rng.random() < 0.5
    return {
        "component_interest": round(rng.random() * 0.8, 3),
        "component_goal_units": rng.randrange(0, 10),
        "component_cross_specialty": cross,
        "component_prefers_other": cross and rng.random() < 0.5,
        "component_windows_overlap": rng.choice([True, False, None]),
    }


def _resolve_open(rng: random.Random, now: datetime) -> None:
    """Last week's open intros end one way or another (or stay open)."""
    for intro in Introduction.objects.filter(state__in=OPEN):
        roll = rng.random()
        if roll < 0.2:
            continue
        if intro.offered_at is None:
            intro.offered_at = now - timedelta(hours=rng.randrange(1, 48))
        if roll < 0.5:
            intro.state = Introduction.State.CONNECTED
            intro.a_response = intro.b_response = "accepted"
            intro.a_responded_at = intro.offered_at + timedelta(hours=rng.randrange(72))
            intro.b_responded_at = intro.offered_at + timedelta(hours=rng.randrange(72))
            intro.connected_at = max(intro.a_responded_at, intro.b_responded_at)
        elif roll < 0.7:
            intro.state = Introduction.State.DECLINED
            intro.b_response = "declined"
            intro.b_responded_at = intro.offered_at + timedelta(hours=rng.randrange(72))
        elif roll < 0.9:
            intro.state = Introduction.State.EXPIRED
        else:
            intro.state = Introduction.State.WITHDRAWN
        intro.save()


def _follow_ups(rng: random.Random, members: list) -> None:
    """Answers to "did you meet?" arrive for connections, and some change."""
    by_pk = {m.pk: m for m in members}
    for intro in Introduction.objects.filter(state=Introduction.State.CONNECTED):
        for member_id in (intro.member_a_id, intro.member_b_id):
            existing = Feedback.objects.filter(intro=intro, member_id=member_id).first()
            if existing is None and rng.random() < 0.4:
                Feedback.objects.create(
                    intro=intro,
                    member=by_pk[member_id],
                    met=rng.choice(["yes", "no", "not_yet"]),
                    rating=rng.choice([None, 1, 2, 3, 4, 5]),
                )
            elif existing is not None and rng.random() < 0.2:
                existing.met = "yes"
                existing.rating = rng.randrange(1, 6)
                existing.save()


def _new_round(rng: random.Random, members: list, now: datetime) -> None:
    round_ = Round.objects.create(
        trigger=Round.Trigger.BEAT,
        status=Round.Status.DONE,
        created_at=now,
        finished_at=now + timedelta(minutes=5),
        members_considered=rng.randrange(10, MEMBERS),
    )
    busy = {
        m
        for pair in Introduction.objects.filter(state__in=OPEN).values_list(
            "member_a_id", "member_b_id"
        )
        for m in pair
    }
    free = [m for m in members if m.pk not in busy]
    rng.shuffle(free)
    for a, b in zip(free[0:12:2], free[1:12:2], strict=False):
        a, b = sorted((a, b), key=lambda p: p.pk)
        offered = rng.random() < 0.8
        fields = {
            "state": "offered" if offered else "proposed",
            "offered_at": now + timedelta(hours=1) if offered else None,
        }
        if offered and rng.random() < 0.4:
            fields.update(
                state="accepted_one",
                a_response="accepted",
                a_responded_at=now + timedelta(hours=rng.randrange(2, 30)),
            )
        score = round(rng.random(), 3)
        explanation = _explanation(rng)
        intro = Introduction.objects.create(
            member_a=a,
            member_b=b,
            score=score,
            explanation=explanation,
            **fields,
            **_components(rng),
        )
        RoundPair.objects.create(
            round=round_,
            member_a=a,
            member_b=b,
            score=score,
            explanation=explanation,
            introduction=intro,
        )
    for member in free[12:14]:
        LeftOut.objects.create(
            round=round_,
            member=member,
            reason=rng.choice(["odd_one_out", "no_candidate", "capacity"]),
        )
    if rng.random() < 0.3:
        Round.objects.create(
            trigger=Round.Trigger.ADMIN,
            dry_run=True,
            status=Round.Status.DONE,
            created_at=now,
            members_considered=MEMBERS,
        )


def _requested(rng: random.Random, members: list) -> None:
    busy = {
        m
        for pair in Introduction.objects.filter(state__in=OPEN).values_list(
            "member_a_id", "member_b_id"
        )
        for m in pair
    }
    free = [m for m in members if m.pk not in busy]
    if len(free) >= 2 and rng.random() < 0.7:
        a, b = sorted(rng.sample(free, 2), key=lambda p: p.pk)
        Introduction.objects.create(
            member_a=a,
            member_b=b,
            requested_by=a,
            state="offered",
            offered_at=datetime.now(tz=UTC),
        )


def full_recomputation() -> dict:
    """What a full run writes, without keeping it (the incremental chain goes on)."""
    with transaction.atomic():
        insights_rollup(full=True)
        rows = table_rows()
        transaction.set_rollback(True)
    return rows


@pytest.mark.parametrize("members_full_pass", [False, True])
@pytest.mark.parametrize("seed", [3, 17])
def test_each_incremental_run_equals_a_full_recomputation(
    db, monkeypatch, seed, members_full_pass
):
    # 0: every touched member is recounted along the indexes; 1: in one pass.
    monkeypatch.setattr(
        rollup, "MEMBERS_FULL_PASS_SHARE", 0.0 if members_full_pass else 1.0
    )
    rng = random.Random(seed)
    members = _members(rng)
    with time_machine.travel(START, tick=False):
        assert insights_rollup().full
    for week in range(WEEKS):
        monday = START + timedelta(weeks=week)
        with time_machine.travel(monday, tick=False):
            _resolve_open(rng, monday)
        with time_machine.travel(monday + timedelta(hours=2), tick=False):
            _new_round(rng, members, monday + timedelta(hours=2))
        with time_machine.travel(monday + timedelta(days=2), tick=False):
            _requested(rng, members)
            _follow_ups(rng, members)
        with time_machine.travel(monday + timedelta(days=3), tick=False):
            result = insights_rollup()
            assert not result.full
            incremental = table_rows()
            assert incremental == full_recomputation(), f"week {week}"
    # The histories did reach the summaries: every round has its funnel.
    assert RoundFunnel.objects.count() == WEEKS
    assert sum(f.connected for f in RoundFunnel.objects.all()) > 0
    assert RoundBreakdown.objects.filter(measure="component_interest").count() > WEEKS
