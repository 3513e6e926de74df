"""The scoring core against hand-computed cases and a dense numpy reference."""

import itertools
import math
from dataclasses import replace

import numba
import numpy as np
import pytest

from matching.goals import TIED_ELSEWHERE, Goals
from matching.scoring import (
    Population,
    Weights,
    _top_candidates,
    idf,
    top_candidates,
)
from matching.synthetic import synthetic_population

DEFAULT = Weights()


def make_pop(
    tags,
    *,
    seeks=None,
    offers=None,
    specialty=None,
    prefers=None,
    n_tags=None,
    priority=None,
    goals=None,
    tag_category=None,
):
    """A population from lists; ``goals`` per member as (kind, "seek"/"offer",
    tag or None) tuples, from which the kind masks are then derived."""
    n = len(tags)
    goal_lists = None
    if goals is not None:
        seeks = [bits(*(k for k, d, _ in row if d == "seek")) for row in goals]
        offers = [bits(*(k for k, d, _ in row if d == "offer")) for row in goals]
        flat_goals = [g for row in goals for g in row]
        indptr_g = np.zeros(n + 1, np.int64)
        indptr_g[1:] = np.cumsum([len(row) for row in goals])
        goal_lists = Goals(
            indptr=indptr_g,
            kind=np.array([k for k, _, _ in flat_goals], np.int32),
            seeks=np.array([d == "seek" for _, d, _ in flat_goals], bool),
            tag=np.array([-1 if t is None else t for _, _, t in flat_goals], np.int32),
        )
    indptr = np.zeros(n + 1, np.int64)
    indptr[1:] = np.cumsum([len(t) for t in tags])
    flat = [t for row in tags for t in row]
    return Population(
        tag_indptr=indptr,
        tag_indices=np.array(flat, np.int32),
        n_tags=n_tags if n_tags is not None else (max(flat) + 1 if flat else 1),
        seeks=np.array(seeks if seeks is not None else [0] * n, np.uint64),
        offers=np.array(offers if offers is not None else [0] * n, np.uint64),
        specialty=np.array(specialty if specialty is not None else [-1] * n, np.int32),
        prefers_other=np.array(prefers if prefers is not None else [False] * n, bool),
        priority=np.array(priority if priority is not None else range(n), np.int64),
        goals=goal_lists,
        tag_category=None if tag_category is None else np.array(tag_category, np.int32),
    )


def bits(*kinds):
    return sum(1 << k for k in set(kinds))


def score_of(pop, i, j, weights=DEFAULT, k=None):
    cand, score = top_candidates(
        pop, k=k or pop.n, weights=weights, start=i, stop=i + 1
    )
    hit = np.flatnonzero(cand[0] == j)
    return float(score[0, hit[0]]) if len(hit) else None


# ---------------------------------------------------------------- the reference


def reference_goal_units(pop, weights):
    """Goal units (quarters) of every pair and whether one kind is worth >= 2,
    straight from the goal lists, one pair and kind at a time."""
    n = pop.n
    g = pop.goal_lists()
    cat = pop.categories()
    goals = [
        [
            (int(g.kind[x]), bool(g.seeks[x]), int(g.tag[x]))
            for x in range(g.indptr[i], g.indptr[i + 1])
        ]
        for i in range(n)
    ]

    def worth(a, b):
        if a == -1 or b == -1:
            return 2
        if a == b and a >= 0:
            return 4
        if a >= 0 and b >= 0 and cat[a] >= 0 and cat[a] == cat[b]:
            return 1
        return 0

    units = np.zeros((n, n), np.int64)
    on_topic = np.zeros((n, n), bool)
    for i in range(n):
        for j in range(i + 1, n):
            per_kind = {}
            for seeker, offerer in ((i, j), (j, i)):
                for k, seek, t in goals[seeker]:
                    if not seek:
                        continue
                    for k2, seek2, t2 in goals[offerer]:
                        if k2 == k and not seek2:
                            per_kind[k] = max(per_kind.get(k, 0), worth(t, t2))
            best = sorted(per_kind.values(), reverse=True)[: weights.goal_max_kinds]
            units[i, j] = units[j, i] = sum(best)
            on_topic[i, j] = on_topic[j, i] = any(v >= 2 for v in per_kind.values())
    return units, on_topic


def reference_scores(pop, weights):
    """Dense float64 score matrix straight from the definition (small n only);
    -inf for the pairs under the floor."""
    n = pop.n
    dense = np.zeros((n, pop.n_tags))
    for i in range(n):
        dense[i, pop.tag_indices[pop.tag_indptr[i] : pop.tag_indptr[i + 1]]] = 1.0
    df = dense.sum(axis=0)
    vec = dense * (np.log((1.0 + n) / (1.0 + df)) + 1.0)
    norms = np.linalg.norm(vec, axis=1)
    unit = np.divide(
        vec, norms[:, None], out=np.zeros_like(vec), where=norms[:, None] > 0
    )
    cos = unit @ unit.T
    if pop.goals is None:
        # Goals about nothing in particular: each complementary kind is worth 2.
        s, o = pop.seeks, pop.offers
        cross = (s[:, None] & o[None, :]) | (s[None, :] & o[:, None])
        units = 2 * np.minimum(np.bitwise_count(cross), weights.goal_max_kinds)
        on_topic = np.bitwise_count(cross) > 0
    else:
        units, on_topic = reference_goal_units(pop, weights)
    common = max(
        weights.common_tag_min_members, math.ceil(weights.common_tag_share * n)
    )
    rare = dense[:, df < common]
    qualifies = on_topic | (rare @ rare.T > 0)
    sp = pop.specialty
    differ = (sp[:, None] >= 0) & (sp[None, :] >= 0) & (sp[:, None] != sp[None, :])
    pref = pop.prefers_other[:, None] | pop.prefers_other[None, :]
    bonus = np.where(
        differ,
        np.where(pref, weights.cross_specialty_preferred, weights.cross_specialty),
        0,
    )
    # Rounded: the BLAS matmul sums in an order that depends on the CPU, and its
    # last-bit noise would otherwise rank apart pairs that tie by definition (two
    # rows with the same tags), which the kernel rightly breaks by priority.
    full = np.round(weights.interest * cos + weights.goal / 4 * units + bonus, 12)
    return np.where(qualifies, full, -np.inf)


def reference_top(full, k, weights, priority, excluded_pairs=()):
    n = full.shape[0]
    cand = np.full((n, k), -1, np.int64)
    score = np.zeros((n, k))
    banned = {frozenset(p) for p in excluded_pairs}
    for i in range(n):
        js = [
            j
            for j in range(n)
            if j != i
            and full[i, j] >= weights.min_score
            and frozenset((i, j)) not in banned
        ]
        js.sort(key=lambda j: (-full[i, j], priority[j], j))
        js = js[:k]
        cand[i, : len(js)] = js
        score[i, : len(js)] = full[i, js]
    return cand, score


def assert_matches_reference(pop, weights, k, excluded_pairs=()):
    full = reference_scores(pop, weights)
    ref_c, ref_s = reference_top(full, k, weights, pop.priority, excluded_pairs)
    keys = np.array(
        sorted(min(a, b) * pop.n + max(a, b) for a, b in excluded_pairs), np.int64
    )
    cand, score = top_candidates(pop, k=k, weights=weights, excluded=keys)
    np.testing.assert_allclose(score, ref_s, atol=1e-5)
    assert ((cand >= 0) == (ref_c >= 0)).all()
    for i in range(pop.n):
        for p in np.flatnonzero(cand[i] != ref_c[i]):
            a, b = cand[i, p], ref_c[i, p]
            # Only a near-tie the float32 kernel may resolve the other way; an exact
            # tie must follow the priority rule.
            assert a >= 0
            assert b >= 0
            assert full[i, a] != full[i, b]
            assert abs(full[i, a] - full[i, b]) < 1e-5
        ok = cand[i] >= 0
        np.testing.assert_allclose(score[i, ok], full[i, cand[i, ok]], atol=1e-5)
    return cand, score


def random_pop(n, seed, *, n_tags=25, n_kinds=8, n_spec=4, wide=False, topics=False):
    """Random members; with ``topics``, goals tied to one of the member's tags,
    to nothing, or to a tag outside the round, and tags in 4 categories."""
    rng = np.random.default_rng(seed)
    tags = [
        sorted(rng.choice(n_tags, size=rng.integers(0, 6), replace=False).tolist())
        for _ in range(n)
    ]
    shift = 40 if wide else 0
    if topics:
        goals = []
        for row in tags:
            mine = []
            for _ in range(rng.integers(0, 4)):
                roll = rng.random()
                tag = (
                    int(rng.choice(row))
                    if row and roll < 0.6
                    else (TIED_ELSEWHERE if roll < 0.7 else None)
                )
                kind = int(rng.integers(0, n_kinds)) + shift
                direction = "seek" if rng.random() < 0.5 else "offer"
                if (kind, direction, tag) not in mine:
                    mine.append((kind, direction, tag))
            goals.append(mine)
        return make_pop(
            tags,
            goals=goals,
            tag_category=rng.integers(-1, 4, size=n_tags).tolist(),
            specialty=rng.integers(-1, n_spec, size=n).tolist(),
            prefers=(rng.random(n) < 0.3).tolist(),
            n_tags=n_tags,
            priority=rng.integers(0, 5, size=n).tolist(),
        )

    def masks():
        return [
            bits(
                *(
                    int(x) + shift
                    for x in rng.choice(n_kinds, rng.integers(0, 3), replace=False)
                )
            )
            for _ in range(n)
        ]

    return make_pop(
        tags,
        seeks=masks(),
        offers=masks(),
        specialty=rng.integers(-1, n_spec, size=n).tolist(),
        prefers=(rng.random(n) < 0.3).tolist(),
        n_tags=n_tags,
        # Few distinct priorities, so the tie rule falls through to the index too.
        priority=rng.integers(0, 5, size=n).tolist(),
    )


# ------------------------------------------------------------- hand-computed cases


def test_idf_is_the_smoothed_log_ratio():
    pop = make_pop([[0, 1], [0], [0], [2]], n_tags=4)
    expected = [
        math.log(5 / 4) + 1,
        math.log(5 / 2) + 1,
        math.log(5 / 2) + 1,
        math.log(5) + 1,
    ]
    np.testing.assert_allclose(idf(pop), expected, rtol=1e-6)
    assert (idf(pop) > 0).all()


def test_the_docstring_worked_example_scores_0_788():
    # A = {ai, journalism} seeks mentorship and prefers other specialties,
    # B = {ai} offers mentorship, C = {ai}, D = {surgery}.
    pop = make_pop(
        [[0, 1], [0], [0], [2]],
        seeks=[bits(0), 0, 0, 0],
        offers=[0, bits(0), 0, 0],
        specialty=[0, 1, 1, 2],
        prefers=[True, False, False, False],
    )
    assert score_of(pop, 0, 1) == pytest.approx(0.5380 + 0.15 + 0.10, abs=1e-4)
    # Symmetric: B sees A with the same score.
    assert score_of(pop, 1, 0) == pytest.approx(score_of(pop, 0, 1), abs=1e-6)


def test_a_shared_rare_tag_outscores_a_shared_popular_one():
    # Tag 0 is held by everyone, tag 1 by two members only.
    pop = make_pop([[0, 1, 2], [0, 1, 3], [0, 2, 4], [0, 5], [0, 6], [0, 7]])
    assert score_of(pop, 0, 1) > score_of(pop, 0, 3)


def test_identical_tag_sets_have_cosine_one():
    pop = make_pop([[3, 5], [3, 5], [1]])
    assert score_of(pop, 0, 1) == pytest.approx(1.0, abs=1e-6)


def test_complementary_goals_count_each_kind_once_in_either_direction():
    pop = make_pop(
        [[], [], [], []],
        seeks=[bits(0, 1), bits(2, 1), bits(0), 0],
        offers=[bits(2), bits(0), bits(0), bits(0)],
    )
    # 0 seeks 0 which 1 offers; 1 seeks 2 which 0 offers; both seeking 1 is no match.
    assert score_of(pop, 0, 1) == pytest.approx(0.30, abs=1e-6)
    # Kind 0 is complementary both ways between 0 and 2: counted once.
    assert score_of(pop, 0, 2) == pytest.approx(0.15, abs=1e-6)
    assert score_of(pop, 1, 3) is None  # neither seeks what the other offers


def test_complementary_kinds_are_capped():
    pop = make_pop([[], []], seeks=[bits(0, 1, 2, 3), 0], offers=[0, bits(0, 1, 2, 3)])
    assert score_of(pop, 0, 1) == pytest.approx(0.45, abs=1e-6)
    weights = Weights(goal_max_kinds=4)
    assert score_of(pop, 0, 1, weights) == pytest.approx(0.60, abs=1e-6)


@pytest.mark.parametrize(
    ("specialty", "prefers", "expected"),
    [
        ([1, 2], [False, False], 0.03),
        ([1, 2], [True, False], 0.10),
        ([1, 2], [False, True], 0.10),
        ([1, 1], [True, True], 0.0),
        ([-1, 2], [True, True], 0.0),
    ],
)
def test_the_cross_specialty_bonus(specialty, prefers, expected):
    # A shared tag keeps every case above min_score, so the bonus is visible alone.
    pop = make_pop([[0], [0]], specialty=specialty, prefers=prefers)
    assert score_of(pop, 0, 1) == pytest.approx(1.0 + expected, abs=1e-6)


# ---------------------------------------------------------------- rules and ties


def test_it_never_returns_a_member_to_themself():
    pop = make_pop([[0, 1]] * 6, seeks=[bits(0)] * 6, offers=[bits(0)] * 6)
    cand, _ = top_candidates(pop, k=6, weights=DEFAULT)
    for i in range(6):
        assert i not in cand[i]
        assert sorted(cand[i][cand[i] >= 0]) == [j for j in range(6) if j != i]


def test_excluded_pairs_are_never_returned_from_either_side():
    pop = make_pop([[0, 1]] * 5)
    excluded = np.array([0 * 5 + 1, 2 * 5 + 4], np.int64)
    cand, _ = top_candidates(pop, k=5, weights=DEFAULT, excluded=excluded)
    assert 1 not in cand[0]
    assert 0 not in cand[1]
    assert 4 not in cand[2]
    assert 2 not in cand[4]
    assert 2 in cand[0]
    assert 4 in cand[3]


def test_scores_below_min_score_are_not_kept():
    # Tag 9 is held by all three (common with these weights), tag 0 by two.
    # 0 and 1 share tag 9 and a complementary goal kind: cos 0.6134 + 0.15;
    # 0 and 2 hold the same tags: 1.0.
    weights = Weights(common_tag_min_members=3, common_tag_share=0.0)
    pop = make_pop([[0, 9], [9], [0, 9]], seeks=[bits(1), 0, 0], offers=[0, bits(1), 0])
    cand, score = top_candidates(pop, k=3, weights=weights, start=0, stop=1)
    assert cand[0].tolist() == [2, 1, -1]
    assert score[0, 1] == pytest.approx(0.6134 + 0.15, abs=1e-4)
    cand, score = top_candidates(
        pop, k=3, weights=replace(weights, min_score=0.8), start=0, stop=1
    )
    assert cand[0].tolist() == [2, -1, -1]
    assert score[0, 1:].tolist() == [0.0, 0.0]


def test_ties_go_to_the_longest_waiting_then_the_lowest_index():
    pop = make_pop([[0]] * 6, priority=[0, 5, 3, 1, 3, 0])
    cand, score = top_candidates(pop, k=5, weights=DEFAULT, start=0, stop=1)
    assert len(set(score[0].tolist())) == 1
    assert cand[0].tolist() == [5, 3, 2, 4, 1]


def test_a_member_with_rare_interests_still_gets_candidates_through_goals():
    # Member 0's tags are held by nobody else; goals still connect them, the
    # specialty bonus alone does not (no reason to meet: the floor).
    tags = [[90, 91, 92]] + [[0, 1, 2]] * 30
    seeks = [bits(3)] + [0] * 30
    offers = [0] + [bits(3) if j % 3 == 0 else 0 for j in range(30)]
    specialty = [7] + [j % 4 for j in range(30)]
    # Member 0 prefers other specialties: everyone else is worth the 0.10 bonus.
    prefers = [True] + [False] * 30
    pop = make_pop(
        tags, seeks=seeks, offers=offers, specialty=specialty, prefers=prefers
    )
    cand, score = top_candidates(pop, k=20, weights=DEFAULT, start=0, stop=1)
    assert set(cand[0, :10].tolist()) == {j + 1 for j in range(30) if j % 3 == 0}
    assert (score[0, :10] >= DEFAULT.min_score).all()
    assert (cand[0, 10:] == -1).all()


def test_padding_when_fewer_candidates_than_k():
    pop = make_pop([[0], [0], [5]])
    cand, score = top_candidates(pop, k=4, weights=DEFAULT)
    assert cand.shape == (3, 4)
    assert cand[0].tolist() == [1, -1, -1, -1]
    assert cand[2].tolist() == [-1, -1, -1, -1]
    assert score.dtype == np.float32
    assert cand.dtype == np.int32


def test_a_bad_row_range_is_rejected():
    pop = make_pop([[0], [0]])
    with pytest.raises(ValueError, match="row range"):
        top_candidates(pop, k=2, weights=DEFAULT, start=1, stop=3)


# ------------------------------------------------------------ against the reference


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_it_equals_the_dense_reference_on_random_populations(seed):
    pop = random_pop(160, seed)
    assert_matches_reference(pop, DEFAULT, k=12)


def test_it_equals_the_reference_with_other_weights_and_exclusions():
    pop = random_pop(120, 7)
    rng = np.random.default_rng(7)
    pairs = {
        tuple(sorted(rng.choice(120, 2, replace=False).tolist())) for _ in range(300)
    }
    weights = Weights(
        interest=0.7,
        goal=0.2,
        goal_max_kinds=2,
        cross_specialty=0.05,
        cross_specialty_preferred=0.12,
        min_score=0.1,
    )
    cand, _ = assert_matches_reference(pop, weights, k=15, excluded_pairs=sorted(pairs))
    for a, b in pairs:
        assert b not in cand[a]
        assert a not in cand[b]


def test_it_equals_the_reference_with_goal_kinds_beyond_32():
    assert_matches_reference(random_pop(100, 11, wide=True), DEFAULT, k=10)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_equals_the_reference_with_goals_on_topics_and_rare_tags(seed):
    # 40 tags over 150 members: some rare (fewer than 10 holders), some common.
    pop = random_pop(150, seed, n_tags=60, topics=True)
    assert_matches_reference(pop, DEFAULT, k=12)
    assert_matches_reference(pop, Weights(goal_max_kinds=1, min_score=0.0), k=8)


def test_it_equals_the_reference_with_goals_on_topics_beyond_32_kinds():
    pop = random_pop(120, 4, n_tags=60, topics=True, wide=True)
    assert_matches_reference(pop, DEFAULT, k=10)


def test_it_equals_the_reference_on_the_benchmark_distribution():
    assert_matches_reference(synthetic_population(400, seed=5), DEFAULT, k=20)


def with_a_share_of_goals_on_topics(pop, share, seed):
    """The population with its goals as lists, ``share`` of them tied to one of
    the member's own tags, and its tags in 30 categories."""
    rng = np.random.default_rng(seed)
    goals = Goals.untied(pop.seeks, pop.offers)
    member = np.repeat(np.arange(pop.n), np.diff(goals.indptr))
    held = np.diff(pop.tag_indptr)[member]
    own_tag = pop.tag_indices[pop.tag_indptr[member] + rng.integers(0, held)]
    goals.tag = np.where(rng.random(len(member)) < share, own_tag, -1).astype(np.int32)
    categories = rng.integers(-1, 30, size=pop.n_tags).astype(np.int32)
    return replace(pop, goals=goals, tag_category=categories)


@pytest.mark.parametrize("share", [0.03, 0.3])
def test_a_few_goals_on_topics_among_untied_ones_give_the_reference_result(share):
    # Most blocks of columns then have no kind tied on both sides (scored
    # exactly at once), the others get the bound and the exact check: a column
    # the exact score keeps must never be lost between the two.
    pop = with_a_share_of_goals_on_topics(synthetic_population(500, seed=9), share, 9)
    assert_matches_reference(pop, DEFAULT, k=20)
    assert_knobs_do_not_matter(pop, DEFAULT, k=20)


def test_untied_goal_lists_score_as_the_kind_masks_alone():
    pop = synthetic_population(500, seed=3)
    listed = replace(pop, goals=Goals.untied(pop.seeks, pop.offers))
    for a, b in zip(
        top_candidates(pop, k=20, weights=DEFAULT),
        top_candidates(listed, k=20, weights=DEFAULT),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------- determinism


def test_blocked_runs_equal_the_one_block_run():
    pop = synthetic_population(1500, seed=3)
    whole_c, whole_s = top_candidates(pop, k=20, weights=DEFAULT)
    for splits in ([0, 700, 1500], [0, 1, 2, 999, 1500], [0, 17, 500, 501, 1400, 1500]):
        parts = [
            top_candidates(pop, k=20, weights=DEFAULT, start=a, stop=b)
            for a, b in itertools.pairwise(splits)
        ]
        assert np.array_equal(np.concatenate([c for c, _ in parts]), whole_c)
        assert np.array_equal(np.concatenate([s for _, s in parts]), whole_s)


def test_the_result_does_not_depend_on_the_thread_count():
    pop = synthetic_population(1200, seed=4)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = top_candidates(pop, k=20, weights=DEFAULT)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = top_candidates(pop, k=20, weights=DEFAULT)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one[0], many[0])
    assert np.array_equal(one[1], many[1])


def test_the_same_seed_gives_the_same_population_and_candidates():
    a = synthetic_population(800, seed=9)
    b = synthetic_population(800, seed=9)
    assert np.array_equal(a.tag_indices, b.tag_indices)
    assert np.array_equal(a.seeks, b.seeks)
    ca = top_candidates(a, k=20, weights=DEFAULT)
    cb = top_candidates(b, k=20, weights=DEFAULT)
    assert np.array_equal(ca[0], cb[0])
    assert np.array_equal(ca[1], cb[1])
    assert not np.array_equal(
        synthetic_population(800, seed=10).tag_indices[:100], a.tag_indices[:100]
    )


def test_the_synthetic_population_follows_the_benchmark_distribution():
    pop = synthetic_population(20000, seed=1)
    per_member = np.diff(pop.tag_indptr)
    assert per_member.min() >= 3
    assert 11.5 < per_member.mean() < 12.5
    for i in range(0, 20000, 997):
        row = pop.tag_indices[pop.tag_indptr[i] : pop.tag_indptr[i + 1]]
        assert len(np.unique(row)) == len(row)
    share = np.bincount(pop.tag_indices, minlength=1000) / 20000
    assert 0.12 < share[0] < 0.16
    assert share[99] == pytest.approx(0.15 * 100**-0.45, rel=0.25)
    assert (pop.seeks & pop.offers == 0).all()
    n_seeks = np.bitwise_count(pop.seeks)
    assert n_seeks.min() >= 1
    assert n_seeks.max() <= 5
    assert int((pop.seeks | pop.offers).max()) < 1 << 20
    assert set(np.unique(pop.specialty).tolist()) == set(range(40))


# ------------------------------------------- tiles, row groups and the block bound

KNOBS = [
    {"rows_per_task": 1, "tile": 64},
    {"rows_per_task": 3, "tile": 128},
    {"rows_per_task": 5, "tile": 100},  # rounded up to whole scan blocks
    {"rows_per_task": 16, "tile": 4096},
    {"prune": False, "tile": 64},
    {"sort_columns": False, "tile": 192},
    {"prune": False, "sort_columns": False, "rows_per_task": 2, "tile": 64},
]


def assert_knobs_do_not_matter(pop, weights, k, excluded=None):
    want_c, want_s = top_candidates(pop, k=k, weights=weights, excluded=excluded)
    for knobs in KNOBS:
        cand, score = _top_candidates(
            pop, k=k, weights=weights, excluded=excluded, **knobs
        )
        assert np.array_equal(cand, want_c), knobs
        assert np.array_equal(score, want_s), knobs
    return want_c, want_s


def test_many_small_tiles_give_the_same_result_on_the_benchmark_distribution():
    pop = synthetic_population(1500, seed=6)
    assert_knobs_do_not_matter(pop, DEFAULT, k=20)


@pytest.mark.parametrize("seed", [1, 2])
def test_many_small_tiles_give_the_reference_result_with_exclusions_and_ties(seed):
    pop = random_pop(700, seed)
    rng = np.random.default_rng(seed)
    pairs = {
        tuple(sorted(rng.choice(700, 2, replace=False).tolist())) for _ in range(900)
    }
    keys = np.array(sorted(a * 700 + b for a, b in pairs), np.int64)
    cand, _ = assert_knobs_do_not_matter(pop, DEFAULT, k=12, excluded=keys)
    assert_matches_reference(pop, DEFAULT, k=12, excluded_pairs=sorted(pairs))
    for a, b in pairs:
        assert b not in cand[a]
        assert a not in cand[b]


def test_many_small_tiles_give_the_same_result_with_goal_kinds_beyond_32():
    assert_knobs_do_not_matter(random_pop(400, 12, wide=True), DEFAULT, k=10)


def test_many_small_tiles_give_the_same_result_with_goals_on_topics():
    pop = random_pop(500, 21, n_tags=120, topics=True)
    assert_knobs_do_not_matter(pop, DEFAULT, k=10)


def test_a_negative_weight_turns_the_block_bound_off_and_stays_exact():
    # The bound assumes scores grow with the cosine; with a negative interest
    # weight every block must be scanned.
    pop = random_pop(300, 13)
    weights = Weights(interest=-0.5, goal=0.3, min_score=-0.2)
    assert_knobs_do_not_matter(pop, weights, k=10)
    assert_matches_reference(pop, weights, k=10)


def test_rows_that_hold_the_same_tags_in_another_order_score_the_same_pairs():
    # Scatter order follows each row's own tag order, whatever the column order.
    pop = make_pop(
        [[4, 1, 7], [1, 4, 7], [7, 1], [1], [4, 7, 9], [9, 4]] * 30, n_tags=10
    )
    assert_knobs_do_not_matter(pop, Weights(min_score=0.0), k=8)
    assert_matches_reference(pop, Weights(min_score=0.0), k=8)


def test_bad_knobs_are_rejected():
    pop = make_pop([[0], [0]])
    with pytest.raises(ValueError, match="positive"):
        _top_candidates(pop, k=2, weights=DEFAULT, tile=0)
