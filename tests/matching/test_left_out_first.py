"""Members left out last round are served this round: the guarantee, exactly.

A member left out last round (``waited``) with a candidate who has room this
round gets an intro, unless every such candidate is introduced to another member
left out last round.
"""

import itertools
from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
import time_machine
from django.utils import timezone

from matching import selectors, services
from matching.models import LeftOut, Round, RoundPair
from matching.pairing import pair_round
from matching.scoring import Weights, top_candidates
from matching.synthetic import synthetic_population
from matching.windows import LENGTHS, WindowSets
from profiles.models import Profile

from .test_cadence import eligible_ids, in_phase
from .test_pairing import as_set, assert_valid, lists_from_edges, run

WEEK = timedelta(days=7)


def served(pairs) -> set[int]:
    return set(np.unique(pairs).tolist())


def guarantee_broken(cand, pairs, cap, waited) -> list[int]:
    """Waiting members the guarantee fails: unserved, with a candidate who has
    room and is not introduced to another waiting member."""
    partners: dict[int, set[int]] = {}
    for a, b in pairs.tolist():
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    neighbours: dict[int, set[int]] = {}
    for i, row in enumerate(cand.tolist()):
        for j in row:
            if j >= 0 and j != i:
                neighbours.setdefault(i, set()).add(j)
                neighbours.setdefault(j, set()).add(i)
    broken = []
    for u in np.flatnonzero(waited).tolist():
        if cap[u] <= 0 or u in partners:
            continue
        for v in neighbours.get(u, ()):
            if cap[v] <= 0:
                continue
            if not any(waited[w] and w != u for w in partners.get(v, ())):
                broken.append(u)
                break
    return broken


def test_greedy_by_score_would_leave_the_waiting_member_out_again():
    # 2 was left out last round. By score, 0 and 1 pair and 2 is odd one out
    # again; waiting first, 2 gets its best candidate and 1 waits instead.
    edges = {(0, 1): 0.9, (0, 2): 0.5, (1, 2): 0.4}
    waited = np.array([False, False, True])
    assert as_set(run(3, edges, [1, 1, 1])) == {(0, 1)}
    assert as_set(run(3, edges, [1, 1, 1], waited=waited)) == {(0, 2)}


def test_greedy_and_augmenting_paths_alone_leave_them_out_on_a_longer_graph():
    # The plain round pairs (0, 1), (2, 3), (4, 5) and no augmenting path can
    # reach 6 without unserving someone; served first, 6 takes 3 and 2 waits.
    edges = {(0, 1): 0.9, (2, 3): 0.8, (4, 5): 0.7, (3, 6): 0.2, (1, 2): 0.1}
    waited = np.zeros(7, bool)
    waited[6] = True
    plain = run(7, edges, [1] * 7)
    assert 6 not in served(plain)
    pairs = run(7, edges, [1] * 7, waited=waited)
    assert (3, 6) in as_set(pairs)
    assert served(pairs) == {0, 1, 3, 4, 5, 6}


def test_a_waiting_candidate_paired_with_someone_not_waiting_is_swapped():
    # 0 and 1 both waited. Greedy over their edges takes (1, 2) first, the
    # best; 1 then drops 2 for 0 so that both who waited are served.
    edges = {(1, 2): 0.9, (0, 1): 0.5}
    waited = np.array([True, True, False])
    assert as_set(run(3, edges, [1, 1, 1], waited=waited)) == {(0, 1)}


def test_two_waiting_members_with_one_candidate_the_exception():
    # 1 and 2 both waited and only 0 can meet them: one is served, and the other
    # is left out because its only candidate went to another waiting member.
    edges = {(0, 1): 0.6, (0, 2): 0.5}
    waited = np.array([False, True, True])
    pairs = run(3, edges, [1, 1, 1], waited=waited)
    assert as_set(pairs) == {(0, 1)}
    cand, _ = lists_from_edges(3, edges)
    assert guarantee_broken(cand, pairs, [1, 1, 1], waited) == []


def test_a_free_candidate_inside_the_windows_comes_before_one_outside():
    # 2 waited; 0 can meet it inside their call windows, 1 cannot, though the
    # pair (1, 2) scores higher.
    edges = {(1, 2): 0.9, (0, 2): 0.3}
    cand, score = lists_from_edges(3, edges)
    sets = np.zeros((2, len(LENGTHS), 32), np.uint64)
    sets[0, :, 0] = 1  # 0 and 2 share a start
    sets[1, :, 1] = 1
    windows = WindowSets(
        sets=sets,
        member_set=np.array([0, 1, 0], np.int32),
        length=np.zeros(3, np.int8),
    )
    pairs = pair_round(
        cand,
        score,
        capacity=np.ones(3, np.int32),
        exposure_cap=2,
        priority=np.arange(3),
        windows=windows,
        waited=np.array([False, False, True]),
    )
    assert as_set(pairs) == {(0, 2)}


def random_windows(rng, n) -> WindowSets:
    sets = rng.integers(0, 2**63, size=(4, len(LENGTHS), 32), dtype=np.uint64)
    sets &= rng.integers(0, 2**63, size=sets.shape, dtype=np.uint64)
    sets[1] = 0  # nobody can meet a member of set 1
    return WindowSets(
        sets=sets,
        member_set=rng.integers(0, 4, size=n).astype(np.int32),
        length=np.zeros(n, np.int8),
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_guarantee_holds_on_random_rounds(seed):
    """Random candidate graphs, capacities, exposure caps, windows, waiting sets."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 120))
    k = int(rng.integers(1, 6))
    edges = {}
    for _ in range(int(rng.integers(n // 2, 3 * n))):
        a, b = sorted(rng.choice(n, size=2, replace=False).tolist())
        # Few distinct scores: ties are common in real rounds.
        edges[a, b] = float(rng.integers(1, 8)) / 8
    cand, score = lists_from_edges(n, edges, k=k)
    capacity = rng.integers(0, 3, size=n).astype(np.int32)
    exposure_cap = int(rng.integers(1, 3))
    waited = rng.random(n) < rng.choice([0.05, 0.2, 0.5])
    kwargs = {
        "capacity": capacity,
        "exposure_cap": exposure_cap,
        "priority": rng.permutation(n).astype(np.int64),
        "windows": random_windows(rng, n) if seed % 2 else None,
        "waited": waited,
        "max_loss": float(rng.choice([0.0, 0.5])),
    }
    pairs = pair_round(cand, score, **kwargs)
    assert_valid(pairs, n, capacity, exposure_cap)
    cap = np.minimum(capacity, exposure_cap)
    assert guarantee_broken(cand, pairs, cap, waited) == []
    assert np.array_equal(pairs, pair_round(cand, score, **kwargs))


def test_on_a_real_population_waiting_members_are_served_at_little_cost():
    pop = synthetic_population(3000, seed=5)
    cand, score = top_candidates(pop, k=10, weights=Weights())
    capacity = np.ones(pop.n, np.int32)
    kwargs = {"capacity": capacity, "exposure_cap": 2, "priority": pop.priority}
    plain = pair_round(cand, score, **kwargs)
    # Those the plain round leaves out with a candidate wait for the next one.
    has_edge = np.zeros(pop.n, bool)
    has_edge[np.nonzero(cand >= 0)[0]] = True
    has_edge[cand[cand >= 0]] = True
    left_out = has_edge.copy()
    left_out[plain.ravel()] = False
    assert left_out.sum() > 0
    pairs = pair_round(cand, score, waited=left_out, **kwargs)
    assert guarantee_broken(cand, pairs, capacity, left_out) == []
    now_served = served(pairs)
    assert Counter(left_out[list(now_served)].tolist())[True] == left_out.sum()
    # Hardly fewer members served overall.
    assert len(now_served) >= 0.99 * len(served(plain))


# --- Through the app: eligibility and rounds week after week ----------------------


@pytest.fixture
def off_phase_biweekly(make_member):
    """A biweekly member due by cadence but whose phase is not this week's round."""
    member = make_member(intro_frequency=Profile.Frequency.BIWEEKLY)
    now = in_phase(member, 2) + WEEK
    Profile.objects.filter(pk=member.pk).update(last_intro_at=now - 3 * WEEK)
    return member, now


def _left_out_last_week(member, now, reason, *, dry_run=False):
    round_ = Round.objects.create(
        trigger=Round.Trigger.BEAT,
        status=Round.Status.DONE,
        dry_run=dry_run,
        finished_at=now - WEEK,
    )
    LeftOut.objects.create(round=round_, member=member, reason=reason)


@pytest.mark.django_db
def test_a_member_left_out_with_a_candidate_is_eligible_the_next_week_off_phase(
    off_phase_biweekly,
):
    member, now = off_phase_biweekly
    assert member.pk not in eligible_ids(now)
    _left_out_last_week(member, now, LeftOut.Reason.ODD_ONE_OUT)
    assert member.pk in eligible_ids(now)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "dry_run"),
    [(LeftOut.Reason.NO_CANDIDATE, False), (LeftOut.Reason.CAPACITY, True)],
    ids=["held back without a candidate", "left out of a dry run"],
)
def test_no_promise_without_a_candidate_or_from_a_dry_run(
    off_phase_biweekly, reason, dry_run
):
    member, now = off_phase_biweekly
    _left_out_last_week(member, now, reason, dry_run=dry_run)
    assert member.pk not in eligible_ids(now)


@pytest.mark.django_db
def test_a_paused_member_left_out_last_round_is_not_eligible(off_phase_biweekly):
    member, now = off_phase_biweekly
    _left_out_last_week(member, now, LeftOut.Reason.CAPACITY)
    Profile.objects.filter(pk=member.pk).update(
        intro_frequency=Profile.Frequency.PAUSED
    )
    assert member.pk not in eligible_ids(now)


@pytest.fixture
def four_stars_and_one_more(make_member, goal_kind):
    """Four members who are each other's best match, and one who is a fair match
    for each of them: by score alone, the fifth is the odd one out every week."""
    collaboration = goal_kind("Research collaboration")
    star_tags = ["Sickle cell disease", "Wilderness medicine", "Asylum evaluations"]
    weekly = {"intro_frequency": Profile.Frequency.WEEKLY, "max_open_intros": 5}
    stars = [
        make_member(
            star_tags,
            seeks=[collaboration],
            offers=[collaboration],
            **weekly,
        )
        for _ in range(4)
    ]
    fifth = make_member(
        ["Sickle cell disease", "Tropical medicine", "Travel medicine"], **weekly
    )
    return stars, fifth


def _waiting(round_) -> set[int]:
    return set(
        LeftOut.objects.filter(
            round=round_, reason__in=selectors.WAITING_REASONS
        ).values_list("member_id", flat=True)
    )


@pytest.mark.django_db
def test_weekly_rounds_never_leave_a_member_with_a_candidate_out_twice_in_a_row(
    four_stars_and_one_more,
):
    stars, fifth = four_stars_and_one_more
    start = timezone.now()
    rounds = []
    for week in range(4):
        with time_machine.travel(start + week * WEEK, tick=False):
            round_ = services.round_create(trigger=Round.Trigger.BEAT)
            rounds.append(services.round_run_sync(round_id=round_.pk))
    # Week 1 pairs the stars, as the scores say, and leaves the fifth out.
    week1 = RoundPair.objects.filter(round=rounds[0])
    assert {p.member_a_id for p in week1} | {p.member_b_id for p in week1} == {
        s.pk for s in stars
    }
    assert _waiting(rounds[0]) == {fifth.pk}
    for week, (before, after) in enumerate(itertools.pairwise(rounds), 2):
        assert _waiting(before) & _waiting(after) == set(), f"week {week}"
        # Each week someone waited, and whoever did got an intro.
        assert _waiting(before)
        introduced = set(
            RoundPair.objects.filter(round=after).values_list("member_a_id", flat=True)
        ) | set(
            RoundPair.objects.filter(round=after).values_list("member_b_id", flat=True)
        )
        assert _waiting(before) <= introduced, f"week {week}"
    # The control: in week 2, the same candidates paired by score alone leave
    # the fifth out again.
    week2 = rounds[1]
    snapshot = services.round_snapshot(week2.pk)
    cand, score, _ = services.round_shortlists(week2, snapshot)
    plain = pair_round(
        cand,
        score,
        capacity=snapshot.capacity,
        exposure_cap=week2.parameters["exposure_cap"],
        priority=snapshot.priority,
        windows=snapshot.windows,
    )
    fifth_row = int(np.searchsorted(snapshot.ids, fifth.pk))
    assert snapshot.waited.tolist() == (snapshot.ids == fifth.pk).tolist()
    assert fifth_row not in served(plain)
