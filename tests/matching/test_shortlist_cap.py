"""Shortlists that do not crowd: a member sits in a bounded number of others' lists."""

import math
from collections import Counter

import numpy as np
import pytest

from matching import services
from matching.models import Round, RoundPair
from matching.pairing import cap_shortlists, pair_round
from matching.scoring import top_candidates

from .conftest import interest_named

K, SPARE = 5, 3
POPULAR = (0, 1, 2)


def crowded_lists(n=40):
    """Every list starts with the three popular members (in turn first), then the
    member's own rare partners, best first: 4 + SPARE of them, so that only two
    fit in the first K."""
    width = K + SPARE
    cand = np.full((n, width), -1, np.int32)
    score = np.zeros((n, width), np.float32)
    for i in range(3, n):
        turn = i % 3
        popular = [POPULAR[(turn + t) % 3] for t in range(3)]
        rare = [3 + (i - 3 + d) % (n - 3) for d in range(1, width - 2)]
        cand[i] = popular + rare
        score[i] = np.linspace(0.9, 0.2, width)
    return cand, score


def in_lists(cand) -> Counter:
    return Counter(cand[cand >= 0].tolist())


def test_three_popular_members_in_every_list_are_capped_and_rare_partners_move_up():
    cand, score = crowded_lists()
    n = len(cand)
    before = in_lists(cand[:, :K])
    assert all(before[p] == n - 3 for p in POPULAR)  # in all 37 other lists

    out, out_score, cap = cap_shortlists(
        cand, score, k=K, cap_factor=2.0, priority=np.arange(n)
    )

    # Mean list length 37 * 5 / 40 = 4.6, so a member is in at most 10 lists...
    assert cap == math.ceil(2.0 * (n - 3) * K / n) == 10
    after = in_lists(out)
    for p in POPULAR:
        # ...beyond those where it is first, which are always kept (12 or 13).
        first = int((cand[:, 0] == p).sum())
        assert first > cap
        assert after[p] == first
    assert max(after[m] for m in range(3, n)) <= cap
    for i in range(3, n):
        # Each list keeps its best and fills up with the member's rare partners,
        # best first: four of them now, two before.
        assert out[i, 0] == cand[i, 0]
        assert out[i, 1:].tolist() == cand[i, 3:7].tolist()
        assert out_score[i].tolist() == sorted(out_score[i].tolist(), reverse=True)


def test_a_popular_member_is_kept_where_it_ranks_highest():
    # j = 0 is second in lists 1-3 and third in list 4; room for two of them.
    rows = {1: [4, 0, 7], 2: [5, 0, 8], 3: [6, 0, 9], 4: [7, 8, 0]}
    cand = np.full((10, 3), -1, np.int32)
    for i, row in rows.items():
        cand[i] = row
    score = np.where(cand >= 0, 0.5, 0.0).astype(np.float32)
    out, _, cap = cap_shortlists(
        cand, score, k=3, cap_factor=1.5, priority=np.arange(10)
    )
    assert cap == 2  # ceil(1.5 * 12 / 10)
    assert in_lists(out)[0] == 2
    assert out[1:5].tolist() == [[4, 0, 7], [5, 0, 8], [6, 9, -1], [7, 8, -1]]
    # Where it ranks the same, the owner who waited longest keeps it.
    waited_first = np.array([9, 2, 1, 0, 3, 4, 5, 6, 7, 8])
    out, _, _ = cap_shortlists(cand, score, k=3, cap_factor=1.5, priority=waited_first)
    assert out[1:5].tolist() == [[4, 7, -1], [5, 0, 8], [6, 0, 9], [7, 8, -1]]


def test_the_lists_of_members_left_out_last_round_are_never_trimmed():
    cand, score = crowded_lists()
    n = len(cand)
    waited = np.zeros(n, bool)
    waited[[5, 6]] = True
    out, _, _ = cap_shortlists(
        cand, score, k=K, cap_factor=2.0, priority=np.arange(n), keep_rows=waited
    )
    for i in (5, 6):
        assert out[i].tolist() == cand[i, :K].tolist()
    assert out[7, 1:].tolist() == cand[7, 3:7].tolist()


def test_without_a_cap_the_lists_are_the_first_k_candidates():
    cand, score = crowded_lists()
    out, out_score, cap = cap_shortlists(
        cand, score, k=K, cap_factor=0, priority=np.arange(len(cand))
    )
    assert cap == 0
    assert np.array_equal(out, cand[:, :K])
    assert np.array_equal(out_score, score[:, :K])


def test_capped_lists_pair_rare_partners_instead_of_leaving_them_out():
    cand, score = crowded_lists()
    n = len(cand)
    kwargs = {"capacity": np.ones(n, np.int32), "exposure_cap": 2}
    plain = pair_round(cand[:, :K], score[:, :K], priority=np.arange(n), **kwargs)
    out, out_score, _ = cap_shortlists(
        cand, score, k=K, cap_factor=2.0, priority=np.arange(n)
    )
    capped = pair_round(out, out_score, priority=np.arange(n), **kwargs)
    assert np.unique(capped).size >= np.unique(plain).size


# --- Through a round ---------------------------------------------------------------

WIDELY_HELD = ("Health policy", "Physician burnout", "Medical education")


@pytest.mark.django_db
def test_popular_members_are_not_candidates_on_widely_held_tags_alone(
    make_member, goal_kind, settings
):
    """The floor already keeps two popular members apart when all they share is
    widely held tags (and goals on different topics); the cap need not."""
    settings.MATCHING_COMMON_TAG_MIN_MEMBERS = 6
    mentorship = goal_kind("Mentorship")
    rare = [interest_named(f"Rare topic {i}") for i in range(3)]
    offered = [interest_named(f"Offered topic {i}") for i in range(3)]
    # Each seeks and offers mentorship, each time on a topic nobody else names.
    popular = [
        make_member(
            [*WIDELY_HELD, rare[i], offered[i]],
            seeks=[(mentorship, rare[i])],
            offers=[(mentorship, offered[i])],
        )
        for i in range(3)
    ]
    # Each popular member's rare partner, and a few others holding the same tags.
    partners = [make_member([*WIDELY_HELD, rare[i]]) for i in range(3)]
    for _ in range(2):
        make_member(WIDELY_HELD)
    snapshot = services.population_load()
    cand, _ = top_candidates(
        snapshot.population, k=10, weights=services.matching_weights()
    )
    row = {pk: r for r, pk in enumerate(snapshot.ids.tolist())}
    popular_rows = {row[p.pk] for p in popular}
    for p in popular:
        listed = set(cand[row[p.pk]].tolist()) - {-1}
        assert not listed & popular_rows
    # Pairs with a rare tag in common are candidates.
    for p, partner in zip(popular, partners, strict=True):
        assert row[partner.pk] in cand[row[p.pk]].tolist()
    round_ = services.round_run_sync(
        round_id=services.round_create(trigger=Round.Trigger.COMMAND).pk
    )
    for pair in RoundPair.objects.filter(round=round_):
        assert not {pair.member_a_id, pair.member_b_id} <= {p.pk for p in popular}


@pytest.mark.django_db
def test_a_round_trims_with_the_cap_and_records_it(make_member, settings):
    settings.MATCHING_K = 8
    for i in range(12):
        make_member(["Wilderness medicine", "Asylum evaluations", f"Topic {i % 4}"])
    round_ = services.round_create(trigger=Round.Trigger.COMMAND, dry_run=True)
    assert round_.k == 10  # two spare candidates per list
    round_ = services.round_run_sync(round_id=round_.pk)
    assert round_.parameters["shortlist_k"] == 8
    snapshot = services.round_snapshot(round_.pk)
    cand, _, cap = services.round_shortlists(round_, snapshot)
    assert cand.shape == (12, 8)
    assert round_.parameters["shortlist_cap_members"] == cap > 0
    settings.MATCHING_SHORTLIST_CAP = 0
    assert services.round_create(trigger=Round.Trigger.COMMAND, dry_run=True).k == 8
