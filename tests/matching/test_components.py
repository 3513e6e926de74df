"""Score components of chosen pairs: recomputed outside the kernels, they add up
to the kernel's own score (float32, bit for bit)."""

import numpy as np
import pytest

from introductions.components import ScoreComponents
from matching.components import component_score, pair_components
from matching.scoring import Weights, top_candidates
from matching.synthetic import synthetic_population

from .test_scoring import make_pop, random_pop

OTHER = Weights(
    interest=0.7, goal=0.55, cross_specialty=0.2, cross_specialty_preferred=0.05
)


def _candidate_pairs(pop, weights, k=6):
    cand, score = top_candidates(pop, k=k, weights=weights)
    rows, cols = np.nonzero(cand >= 0)
    pairs = np.stack([rows, cand[rows, cols]], axis=1).astype(np.int64)
    return pairs, score[rows, cols]


def _assert_components_add_up(pop, weights):
    pairs, kernel = _candidate_pairs(pop, weights)
    assert len(pairs) > 20
    components = pair_components(pop, pairs, weights)
    recomputed = np.array([component_score(c, weights) for c in components])
    assert np.abs(recomputed - kernel.astype(np.float64)).max() <= 1e-9
    # Either member first: the same parts.
    swapped = pair_components(pop, pairs[:, ::-1], weights)
    assert swapped == components
    return components


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weights", [Weights(), OTHER])
def test_components_add_up_to_the_kernels_score_with_goals_on_topics(seed, weights):
    pop = random_pop(120, seed, topics=True)
    components = _assert_components_add_up(pop, weights)
    assert {c.goal_units for c in components} - {0, 2, 4, 6, 8}, (
        "the population must exercise goals in one category (odd quarters)"
    )


@pytest.mark.parametrize("seed", range(3))
def test_components_add_up_with_goal_masks_only(seed):
    _assert_components_add_up(random_pop(150, seed + 10), Weights())


def test_components_add_up_with_goal_kinds_beyond_32():
    _assert_components_add_up(random_pop(100, 3, topics=True, wide=True), OTHER)


def test_components_add_up_on_the_benchmark_distribution():
    components = _assert_components_add_up(
        synthetic_population(3000, seed=5), Weights()
    )
    assert any(c.cross_specialty and c.prefers_other for c in components)
    assert any(c.cross_specialty and not c.prefers_other for c in components)


def test_the_docstring_worked_example():
    # scoring.py's docstring: cos 0.5380, mentorship untied (2 quarters),
    # cardiologist and oncologist, A prefers other specialties.
    pop = make_pop(
        [[0, 1], [0], [0], []],
        seeks=[1, 0, 0, 0],
        offers=[0, 1, 0, 0],
        specialty=[0, 1, -1, -1],
        prefers=[True, False, False, False],
    )
    (c,) = pair_components(pop, np.array([[0, 1]]), Weights())
    assert c.interest == pytest.approx(0.5380, abs=1e-4)
    assert (c.goal_units, c.cross_specialty, c.prefers_other) == (2, True, True)
    assert c.windows_overlap is None
    assert component_score(c, Weights()) == pytest.approx(0.7880, abs=1e-4)


def test_the_record_reads_back_from_columns_and_json():
    c = ScoreComponents(0.25, 5, True, False, True)
    assert ScoreComponents.from_columns(c.to_columns()) == c
    assert ScoreComponents.from_json(c.to_json()) == c
    assert c.goal_kinds == 1.25
    assert ScoreComponents.from_columns({"component_interest": None}) is None
