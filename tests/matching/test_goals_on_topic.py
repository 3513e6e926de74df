"""Goals complement on topic, and the floor, in the scoring core (hand-computed)."""

import numpy as np
import pytest

from matching.goals import TIED_ELSEWHERE
from matching.scoring import Weights, top_candidates

from .test_scoring import make_pop, score_of

MENTORSHIP, RESEARCH = 0, 1
# Goal topics: tags 0 and 1 share category 0, tag 2 is in category 1.
SICKLE_CELL, THALASSEMIA, ASYLUM = 0, 1, 2
CATEGORIES = [0, 0, 1] + [-1] * 20


def pair_pop(seeker_goals, offerer_goals):
    """Members 0 and 1 hold the same rare tag (cosine 1, a reason to meet by
    itself), so only the goal term differs between the cases."""
    return make_pop(
        [[10], [10]],
        goals=[seeker_goals, offerer_goals],
        tag_category=CATEGORIES,
        n_tags=len(CATEGORIES),
    )


@pytest.mark.parametrize(
    ("seek_topic", "offer_topic", "goal_term"),
    [
        (SICKLE_CELL, SICKLE_CELL, 0.30),  # same tag: full
        (None, SICKLE_CELL, 0.15),  # seeker untied: half
        (SICKLE_CELL, None, 0.15),  # offerer untied: half
        (None, None, 0.15),  # neither names a topic: half
        (SICKLE_CELL, THALASSEMIA, 0.075),  # same category: a quarter
        (SICKLE_CELL, ASYLUM, 0.0),  # different topics: nothing
        (SICKLE_CELL, TIED_ELSEWHERE, 0.0),  # a topic outside the round: nothing
    ],
)
def test_a_seek_and_offer_of_one_kind_complement_by_topic(
    seek_topic, offer_topic, goal_term
):
    pop = pair_pop(
        [(MENTORSHIP, "seek", seek_topic)], [(MENTORSHIP, "offer", offer_topic)]
    )
    assert score_of(pop, 0, 1) == pytest.approx(1.0 + goal_term, abs=1e-6)
    assert score_of(pop, 1, 0) == pytest.approx(1.0 + goal_term, abs=1e-6)


def test_a_kind_counts_once_with_its_best_combination_in_either_direction():
    # Mentorship: 0 seeks it in sickle cell, 1 offers it in asylum evaluations
    # (nothing) and in sickle cell (full); 1 also seeks it untied, which 0 does
    # not offer. Research: 1 seeks it in thalassemia, 0 offers it in sickle
    # cell (same category, a quarter). Total 4 + 1 quarters = 0.375.
    pop = pair_pop(
        [(MENTORSHIP, "seek", SICKLE_CELL), (RESEARCH, "offer", SICKLE_CELL)],
        [
            (MENTORSHIP, "offer", ASYLUM),
            (MENTORSHIP, "offer", SICKLE_CELL),
            (MENTORSHIP, "seek", None),
            (RESEARCH, "seek", THALASSEMIA),
        ],
    )
    assert score_of(pop, 0, 1) == pytest.approx(1.0 + 0.30 + 0.075, abs=1e-6)


def test_the_best_kinds_count_up_to_the_cap():
    # Four kinds: full, full, half, quarter; the best three count (4+4+2 = 10
    # quarters = 0.75); with a cap of 4 all count (11 quarters).
    seeker = [
        (0, "seek", SICKLE_CELL),
        (1, "seek", ASYLUM),
        (2, "seek", None),
        (3, "seek", SICKLE_CELL),
    ]
    offerer = [
        (0, "offer", SICKLE_CELL),
        (1, "offer", ASYLUM),
        (2, "offer", ASYLUM),
        (3, "offer", THALASSEMIA),
    ]
    pop = pair_pop(seeker, offerer)
    assert score_of(pop, 0, 1) == pytest.approx(1.0 + 0.75, abs=1e-6)
    four = Weights(goal_max_kinds=4)
    assert score_of(pop, 0, 1, four) == pytest.approx(1.0 + 0.825, abs=1e-6)


def test_an_off_topic_pair_ranks_below_an_on_topic_one_with_the_same_tags():
    # 0 seeks mentorship in sickle cell; 1 offers it in sickle cell, 2 offers it
    # in asylum evaluations; all hold the same rare tag.
    pop = make_pop(
        [[10], [10], [10]],
        goals=[
            [(MENTORSHIP, "seek", SICKLE_CELL)],
            [(MENTORSHIP, "offer", SICKLE_CELL)],
            [(MENTORSHIP, "offer", ASYLUM)],
        ],
        tag_category=CATEGORIES,
        n_tags=len(CATEGORIES),
        priority=[2, 1, 0],  # 2 waited longest: only the score puts 1 first
    )
    cand, score = top_candidates(pop, k=2, weights=Weights(), start=0, stop=1)
    assert cand[0].tolist() == [1, 2]
    assert score[0].tolist() == pytest.approx([1.30, 1.0], abs=1e-6)


# ---------------------------------------------------------------- the floor

# Tag 5 is held by all 12 members: widely held (at least 10 holders).
COMMON = 5


def floor_pop(goals_0, goals_1, *, extra_tag=None):
    tags = [[COMMON, 6], [COMMON, 7]] + [[COMMON, 8 + m] for m in range(10)]
    if extra_tag is not None:
        tags[0].append(extra_tag)
        tags[1].append(extra_tag)
    return make_pop(
        tags,
        goals=[goals_0, goals_1] + [[] for _ in range(10)],
        tag_category=CATEGORIES + [-1] * 20,
        n_tags=40,
    )


def test_sharing_only_a_widely_held_tag_is_no_reason_to_meet():
    pop = floor_pop([], [])
    assert score_of(pop, 0, 1) is None
    # A stricter definition of "widely held" (20 holders) makes it a reason.
    assert score_of(pop, 0, 1, Weights(common_tag_min_members=20)) is not None


def test_a_shared_tag_that_is_not_widely_held_is_a_reason():
    pop = floor_pop([], [], extra_tag=30)
    assert score_of(pop, 0, 1) is not None


@pytest.mark.parametrize(
    ("seek_topic", "offer_topic", "qualifies"),
    [
        (SICKLE_CELL, SICKLE_CELL, True),
        (None, SICKLE_CELL, True),
        (SICKLE_CELL, THALASSEMIA, False),  # same category only: not on topic
        (SICKLE_CELL, ASYLUM, False),
    ],
)
def test_a_goal_complemented_on_topic_is_a_reason(seek_topic, offer_topic, qualifies):
    pop = floor_pop(
        [(MENTORSHIP, "seek", seek_topic)], [(MENTORSHIP, "offer", offer_topic)]
    )
    assert (score_of(pop, 0, 1) is not None) == qualifies


def test_the_floor_holds_whatever_the_knobs():
    from matching.scoring import _top_candidates

    pop = floor_pop(
        [(MENTORSHIP, "seek", SICKLE_CELL)], [(MENTORSHIP, "offer", ASYLUM)]
    )
    for knobs in ({"prune": False}, {"sort_columns": False, "tile": 64}):
        cand, _ = _top_candidates(pop, k=11, weights=Weights(), **knobs)
        assert 1 not in cand[0]
        assert np.all(cand[2:] == -1)
