"""The rollup's figures on the hand-built history (tests/insights/conftest.py)."""

import pytest
import time_machine
from django.db import connection

from insights.figures import exposure_concentration
from insights.models import (
    MemberExposure,
    Rollup,
    RoundBreakdown,
    RoundFunnel,
    SignupCohort,
    WaitingMember,
    WeekFunnel,
)
from insights.privacy import insights_erase
from insights.services import insights_rollup
from introductions.models import Feedback
from profiles.privacy import member_export

from .conftest import NOW, ROLLUP_ONE, WEEK_ONE, WEEK_TWO, at, stage_one, stage_two

FUNNEL_FIELDS = [
    "eligible",
    "proposed",
    "offered",
    "connected",
    "met",
    "ratings",
    "rating_sum",
    "declined",
    "expired",
    "no_answer",
    "withdrawn",
    "answers",
    "median_answer_hours",
]


def funnel(row) -> dict:
    return {f: getattr(row, f) for f in FUNNEL_FIELDS}


def rolled_up(full: bool = True):
    with time_machine.travel(NOW, tick=False):
        return insights_rollup(full=full)


def test_the_round_funnels_count_each_outcome(history):
    rolled_up()
    r1 = RoundFunnel.objects.get(round=history.rounds["R1"])
    # I1 connected and met (ratings 5 + 4), I2 declined, I3 expired unanswered;
    # answers after 2 h, 4 h (I1) and 10 h (I2): the median is 4 h.
    assert funnel(r1) == {
        "eligible": 5,
        "proposed": 3,
        "offered": 3,
        "connected": 1,
        "met": 1,
        "ratings": 2,
        "rating_sum": 9,
        "declined": 1,
        "expired": 1,
        "no_answer": 1,
        "withdrawn": 0,
        "answers": 3,
        "median_answer_hours": 4.0,
    }
    assert (r1.left_odd_one_out, r1.left_no_candidate, r1.left_capacity) == (1, 0, 0)
    r2 = RoundFunnel.objects.get(round=history.rounds["R2"])
    # I4 offered, accepted by B after 1 h, expired (so not "nobody answered");
    # I5 never offered.
    assert funnel(r2) == {
        "eligible": 4,
        "proposed": 2,
        "offered": 1,
        "connected": 0,
        "met": 0,
        "ratings": 0,
        "rating_sum": 0,
        "declined": 0,
        "expired": 1,
        "no_answer": 0,
        "withdrawn": 0,
        "answers": 1,
        "median_answer_hours": 1.0,
    }
    assert (r2.left_odd_one_out, r2.left_no_candidate, r2.left_capacity) == (0, 0, 1)
    # The dry run is no round of introductions.
    assert RoundFunnel.objects.count() == 2


def test_the_week_funnels_include_requested_intros(history):
    rolled_up()
    week_one = WeekFunnel.objects.get(week=WEEK_ONE)
    assert funnel(week_one) == funnel(
        RoundFunnel.objects.get(round=history.rounds["R1"])
    )
    week_two = WeekFunnel.objects.get(week=WEEK_TWO)
    # R2's two intros and I6 (requested, offered, open); the dry run's 99
    # members are not eligible members.
    assert funnel(week_two) == {
        "eligible": 4,
        "proposed": 3,
        "offered": 2,
        "connected": 0,
        "met": 0,
        "ratings": 0,
        "rating_sum": 0,
        "declined": 0,
        "expired": 1,
        "no_answer": 0,
        "withdrawn": 0,
        "answers": 1,
        "median_answer_hours": 1.0,
    }
    assert WeekFunnel.objects.count() == 2


def breakdown(measure: str) -> dict:
    rows = RoundBreakdown.objects.filter(measure=measure)
    totals: dict = {}
    for r in rows:
        t = totals.setdefault(r.key, [0, 0, 0, 0])
        for n, v in enumerate((r.proposed, r.offered, r.connected, r.met)):
            t[n] += v
    return {k: tuple(v) for k, v in totals.items()}


def test_the_mission_measures_compare_the_two_members(history):
    rolled_up()
    # (proposed, offered, connected, met) over both rounds.
    # Specialties: I1 S1–S2, I2 S1–S2, I5 S1–S2 across; I3 S1–S1, I4 S2–S2 same.
    assert breakdown("specialty") == {"cross": (3, 2, 1, 1), "same": (2, 2, 0, 0)}
    # Countries: only B is in Canada: I1 and I4 cross.
    assert breakdown("country") == {"cross": (2, 2, 1, 1), "same": (3, 2, 0, 0)}
    # Time zones: Toronto has New York's offset; Los Angeles (C) differs: I2, I3.
    assert breakdown("time_zone") == {"cross": (2, 2, 0, 0), "same": (3, 2, 1, 1)}
    # Career stages: B student, C resident against attendings: all but I5.
    assert breakdown("stage") == {"cross": (4, 4, 1, 1), "attendings": (1, 0, 0, 0)}
    assert breakdown("roles") == {
        "attending + student": (2, 2, 1, 1),
        "attending + resident": (2, 2, 0, 0),
        "attending + attending": (1, 0, 0, 0),
    }


def test_calibration_splits_each_round_by_score(history):
    rolled_up()
    # Ten tiles over three intros give 1, 2, 3 by score: R1 I3 (0.2), I2, I1;
    # R2 I5 (0.3), I4 (0.7).
    assert breakdown("decile") == {
        "1": (2, 1, 0, 0),
        "2": (2, 2, 0, 0),
        "3": (1, 1, 1, 1),
    }
    assert breakdown("shared_interest") == {"yes": (2, 2, 1, 1), "no": (3, 2, 0, 0)}
    assert breakdown("goal") == {"yes": (1, 1, 1, 1), "no": (4, 3, 0, 0)}
    assert breakdown("cross_specialty") == {"yes": (2, 2, 1, 1), "no": (3, 2, 0, 0)}


def test_fairness_figures(history):
    rolled_up()
    exposure = {e.profile_id: e.intros for e in MemberExposure.objects.all()}
    m = history.m
    # A: I1 I3 I5; B: I1 I4; C: I2 I3 I6; D: I2 I4 I5; E: I6; F: none.
    assert exposure == {
        m["A"].pk: 3,
        m["B"].pk: 2,
        m["C"].pk: 3,
        m["D"].pk: 3,
        m["E"].pk: 1,
    }
    rollup = Rollup.objects.get()
    # Onboarded or introduced: A–E (F is neither). Sorted 1, 2, 3, 3, 3: Σ i·x =
    # 41, G = 2·41 / (5·12) − 6/5 = 1/6. The top 1 % of 5 is 1 member, 3 of 12.
    assert (rollup.members, rollup.member_intros) == (5, 12)
    assert rollup.gini == pytest.approx(1 / 6)
    assert (rollup.top_members, rollup.top_share) == (1, 0.25)


def test_gini_is_zero_when_equal_and_near_one_when_one_member_has_all():
    assert exposure_concentration([(4, 10)])[0] == 0
    gini, top, share = exposure_concentration([(0, 99), (10, 1)])
    assert gini == pytest.approx(0.99)
    assert (top, share) == (1, 1.0)
    assert exposure_concentration([]) == (0.0, 0, 0.0)


def test_the_onboarding_funnel_counts_members_who_passed_every_step(history):
    rolled_up()
    cohort = SignupCohort.objects.get()
    # F never verified; E has no goal; C and D were offered but not connected.
    assert (
        cohort.week.isoformat(),
        cohort.signed_up,
        cohort.verified,
        cohort.interests,
        cohort.goals,
        cohort.offered,
        cohort.connected,
    ) == ("2026-10-26", 6, 5, 5, 4, 4, 2)


def test_the_waiting_list_starts_with_who_waited_longest(history):
    rolled_up()
    m = history.m
    # E never had an intro (onboarded 27 Oct); C's last was 3 Nov; A and B 9 Nov
    # (by id); D is paused; F was never onboarded.
    assert [(w.profile_id, w.waiting_since) for w in WaitingMember.objects.all()] == [
        (m["E"].pk, at(10, 27)),
        (m["C"].pk, at(11, 3)),
        (m["A"].pk, at(11, 9)),
        (m["B"].pk, at(11, 9)),
    ]


def table_rows() -> dict[str, object]:
    """Every summary table's rows, in a comparable form."""
    result: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in (
            "insights_roundfunnel",
            "insights_weekfunnel",
            "insights_roundbreakdown",
            "insights_memberexposure",
            "insights_signupcohort",
            "insights_waitingmember",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            columns = [c.name for c in cursor.description]
            # A surrogate id is no figure.
            result[table] = sorted(
                (
                    tuple(
                        sorted(
                            kv for kv in zip(columns, row, strict=True) if kv[0] != "id"
                        )
                    )
                    for row in cursor
                ),
                key=repr,
            )
    rollup = Rollup.objects.get()
    result["rollup"] = (
        rollup.members,
        rollup.member_intros,
        rollup.gini,
        rollup.top_members,
        rollup.top_share,
    )
    return result


def test_an_incremental_run_equals_a_full_recomputation(db):
    h = stage_one()
    with time_machine.travel(ROLLUP_ONE, tick=False):
        first = insights_rollup()
    assert first.full
    assert RoundFunnel.objects.get(round=h.rounds["R1"]).expired == 0
    stage_two(h)
    with time_machine.travel(NOW, tick=False):
        incremental = insights_rollup()
        assert not incremental.full
        # R1 (I3 expired, I1's feedback) and R2 changed; the dry run is none.
        assert incremental.rounds == 2
        after_incremental = table_rows()
        insights_rollup(full=True)
        assert table_rows() == after_incremental
    # The figures did move: the second run saw stage two.
    assert RoundFunnel.objects.get(round=h.rounds["R1"]).expired == 1


def test_a_run_with_nothing_new_recomputes_nothing_and_changes_nothing(history):
    rolled_up()
    before = table_rows()
    with time_machine.travel(NOW + (NOW - NOW.replace(hour=0)), tick=False):
        again = insights_rollup()
    assert (again.rounds, again.weeks, again.members) == (0, 0, 0)
    assert table_rows() == before


def test_a_late_follow_up_answer_reaches_its_old_round(history):
    rolled_up()
    with time_machine.travel(NOW.replace(day=21), tick=False):
        Feedback.objects.filter(member=history.m["B"]).update(rating=None)
        feedback = Feedback.objects.get(member=history.m["A"])
        feedback.rating = 1
        feedback.save()
        insights_rollup()
    r1 = RoundFunnel.objects.get(round=history.rounds["R1"])
    # A's new rating is seen through Feedback.updated_at; B's update() bypassed it
    # but R1 is recomputed whole, so both show: one rating of 1.
    assert (r1.ratings, r1.rating_sum) == (1, 1)


def test_a_members_export_holds_their_counts_and_deletion_removes_them(history):
    rolled_up()
    e = history.m["E"]
    exported = member_export(profile=e)["insights"]
    assert exported["introductions_counted"] == {"all": 1, "offered": 1, "connected": 0}
    assert exported["among_members_waiting_longest_since"] == at(10, 27)
    insights_erase(user=e.user, profile=e)
    assert not MemberExposure.objects.filter(profile=e).exists()
    assert not WaitingMember.objects.filter(profile=e).exists()
