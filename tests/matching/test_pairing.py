"""Greedy b-matching of a round: capacity, exposure, fairness, weight bound."""

import itertools
from collections import Counter

import numpy as np
import pytest

from matching.pairing import candidate_edges, pair_round
from matching.scoring import Weights, top_candidates
from matching.synthetic import synthetic_population


def lists_from_edges(n, edges, k=None):
    """Candidate lists (both directions) from {(a, b): score}."""
    rows = [[] for _ in range(n)]
    for (a, b), s in edges.items():
        rows[a].append((s, b))
        rows[b].append((s, a))
    k = k or max(1, max(len(r) for r in rows))
    cand = np.full((n, k), -1, np.int32)
    score = np.zeros((n, k), np.float32)
    for i, r in enumerate(rows):
        r.sort(key=lambda x: (-x[0], x[1]))
        for p, (s, j) in enumerate(r[:k]):
            cand[i, p] = j
            score[i, p] = s
    return cand, score


def run(n, edges, capacity, *, exposure_cap=10, priority=None, **kw):
    cand, score = lists_from_edges(n, edges)
    return pair_round(
        cand,
        score,
        capacity=np.array(capacity, np.int32),
        exposure_cap=exposure_cap,
        priority=np.array(priority if priority is not None else range(n), np.int64),
        **kw,
    )


def as_set(pairs):
    return {tuple(p) for p in pairs.tolist()}


def weight(pairs, edges):
    return sum(edges[tuple(p)] for p in pairs.tolist())


def assert_valid(pairs, n, capacity, exposure_cap):
    assert pairs.dtype == np.int32
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len(as_set(pairs)) == len(pairs)
    load = Counter(pairs.ravel().tolist())
    for i in range(n):
        assert load[i] <= min(capacity[i], exposure_cap)


@pytest.fixture(scope="module")
def big_round():
    pop = synthetic_population(3000, seed=2)
    cand, score = top_candidates(pop, k=20, weights=Weights())
    rng = np.random.default_rng(2)
    capacity = rng.integers(0, 4, size=pop.n).astype(np.int32)
    return pop, cand, score, capacity


def test_capacity_and_exposure_cap_are_respected_and_no_pair_repeats(big_round):
    pop, cand, score, capacity = big_round
    for cap in (1, 2, 3):
        pairs = pair_round(
            cand, score, capacity=capacity, exposure_cap=cap, priority=pop.priority
        )
        assert len(pairs) > 0
        assert_valid(pairs, pop.n, capacity, cap)
        members_with_room = (np.minimum(capacity, cap) > 0).sum()
        # Greedy is maximal: most members with room and candidates get someone.
        assert np.unique(pairs).size > 0.8 * members_with_room


def test_every_chosen_pair_was_a_candidate(big_round):
    pop, cand, score, capacity = big_round
    pairs = pair_round(
        cand, score, capacity=capacity, exposure_cap=3, priority=pop.priority
    )
    listed = {
        (min(i, int(j)), max(i, int(j)))
        for i in range(pop.n)
        for j in cand[i]
        if j >= 0
    }
    assert as_set(pairs) <= listed


def test_the_exposure_cap_limits_a_popular_member():
    # Everyone's best candidate is member 0.
    edges = {(0, j): 0.9 for j in range(1, 8)}
    edges.update({(j, j + 1): 0.2 for j in range(1, 7)})
    pairs = run(8, edges, [5] * 8, exposure_cap=2)
    assert Counter(pairs.ravel().tolist())[0] == 2
    assert_valid(pairs, 8, [5] * 8, 2)


def test_a_popular_member_does_not_absorb_everyone():
    # p=0 (capacity 3) is everyone's best; b=2 has a second-best partner d=3.
    edges = {(0, 1): 0.9, (0, 2): 0.8, (2, 3): 0.75}
    fair = run(4, edges, [3, 1, 1, 1])
    assert as_set(fair) == {(0, 1), (2, 3)}
    plain = run(4, edges, [3, 1, 1, 1], fair_first_pass=False)
    assert as_set(plain) == {(0, 1), (0, 2)}


def test_everyone_gets_a_first_intro_before_anyone_gets_a_second():
    edges = {(0, 1): 0.9, (0, 2): 0.8, (1, 2): 0.7, (3, 4): 0.1}
    pairs = run(5, edges, [2, 2, 2, 1, 1])
    assert pairs[:2].tolist() == [[0, 1], [3, 4]]
    assert as_set(pairs) == {(0, 1), (3, 4), (0, 2), (1, 2)}


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_on_a_tie_the_longest_waiting_member_is_paired_first(order):
    x, y = order  # x has waited longest whatever its index
    priority = [5, 0, 0, 9]
    priority[x], priority[y] = 1, 8
    edges = {(0, 1): 0.5, (0, 2): 0.5}
    pairs = run(3, edges, [1, 1, 1], priority=priority[:3])
    assert as_set(pairs) == {tuple(sorted((0, x)))}


def test_a_higher_score_still_beats_waiting_time():
    edges = {(0, 1): 0.5, (0, 2): 0.6}
    pairs = run(3, edges, [1, 1, 1], priority=[5, 0, 9])
    assert as_set(pairs) == {(0, 2)}


def test_a_pair_listed_from_both_sides_is_one_edge():
    cand = np.array([[1, 2], [0, -1], [0, -1]], np.int32)
    score = np.array([[0.5, 0.4], [0.5, 0], [0.4, 0]], np.float32)
    a, b, s = candidate_edges(cand, score, priority=np.arange(3))
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1), (0, 2)]
    assert s.tolist() == pytest.approx([0.5, 0.4])


def test_it_is_deterministic_and_ignores_the_order_within_candidate_lists(big_round):
    pop, cand, score, capacity = big_round
    first = pair_round(
        cand, score, capacity=capacity, exposure_cap=2, priority=pop.priority
    )
    again = pair_round(
        cand, score, capacity=capacity, exposure_cap=2, priority=pop.priority
    )
    assert np.array_equal(first, again)
    perm = np.random.default_rng(0).permuted(np.tile(np.arange(20), (pop.n, 1)), axis=1)
    shuffled = pair_round(
        np.take_along_axis(cand, perm, axis=1),
        np.take_along_axis(score, perm, axis=1),
        capacity=capacity,
        exposure_cap=2,
        priority=pop.priority,
    )
    assert np.array_equal(first, shuffled)


def test_members_without_capacity_or_candidates_get_nothing():
    edges = {(0, 1): 0.9, (1, 2): 0.8}
    pairs = run(4, edges, [0, 1, 1, 1])
    assert as_set(pairs) == {(1, 2)}
    empty = pair_round(
        np.full((3, 2), -1, np.int32),
        np.zeros((3, 2), np.float32),
        capacity=np.ones(3, np.int32),
        exposure_cap=1,
        priority=np.arange(3),
    )
    assert empty.shape == (0, 2)


def brute_force_optimum(n, edges, capacity):
    best = 0.0
    items = list(edges.items())
    for r in range(len(items) + 1):
        for subset in itertools.combinations(items, r):
            load = Counter(x for (a, b), _ in subset for x in (a, b))
            if all(load[i] <= capacity[i] for i in load):
                best = max(best, sum(s for _, s in subset))
    return best


def random_graph(rng, n, n_edges):
    pairs = list(itertools.combinations(range(n), 2))
    chosen = rng.choice(len(pairs), size=min(n_edges, len(pairs)), replace=False)
    # Few distinct values, so ties are exercised too.
    return {pairs[c]: float(rng.integers(1, 6)) / 5 for c in chosen}


@pytest.mark.parametrize("seed", range(40))
def test_plain_greedy_gets_at_least_half_the_optimum(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 7))
    edges = random_graph(rng, n, int(rng.integers(2, 10)))
    capacity = rng.integers(1, 3, size=n).tolist()
    pairs = run(n, edges, capacity, fair_first_pass=False)
    assert_valid(pairs, n, capacity, 10)
    assert weight(pairs, edges) >= 0.5 * brute_force_optimum(n, edges, capacity) - 1e-6


@pytest.mark.parametrize("seed", range(40))
def test_the_fair_rounds_get_at_least_half_the_optimum_with_unit_capacities(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 8))
    edges = random_graph(rng, n, int(rng.integers(2, 11)))
    capacity = [1] * n
    pairs = run(n, edges, capacity)
    assert_valid(pairs, n, capacity, 10)
    assert weight(pairs, edges) >= 0.5 * brute_force_optimum(n, edges, capacity) - 1e-6


def test_the_fair_first_pass_can_cost_weight_with_larger_capacities():
    # The documented worst case: w=0 (capacity 3) is blocked from z1..z3 by light
    # pass-1 edges z_i - y_i.
    edges = {(0, 1): 1.0}
    for z, y in ((2, 3), (4, 5), (6, 7)):
        edges[(0, z)] = 0.9
        edges[(z, y)] = 0.1
    capacity = [3, 1, 1, 1, 1, 1, 1, 1]
    fair = run(8, edges, capacity)
    plain = run(8, edges, capacity, fair_first_pass=False)
    assert weight(fair, edges) == pytest.approx(1.3)
    assert weight(plain, edges) == pytest.approx(1.0 + 0.9 + 0.9 + 0.1)
    assert np.unique(fair).size > np.unique(plain).size


def test_negative_scores_are_rejected():
    with pytest.raises(ValueError, match=">= 0"):
        pair_round(
            np.array([[1], [0]], np.int32),
            np.array([[-0.5], [-0.5]], np.float32),
            capacity=np.ones(2, np.int32),
            exposure_cap=1,
            priority=np.arange(2),
        )
