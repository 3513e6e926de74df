"""Score components of chosen pairs, recomputed outside the scoring kernels.

The kernels (matching/scoring.py) keep only each candidate's total score. For the
few pairs a round chooses, this module recomputes the parts of that score from
the same Population, in plain numpy, by the same float32 operations in the same
order, so that ``component_score(components, weights)`` equals the kernel's score
exactly (the tests check it on random populations):

* the cosine: per member, float64 sum of squared IDF weights in its tag order,
  then float32 entries ``idf[t] / ||member||``; per pair, the float32 products of
  the shared tags summed in float32 in the first member's tag order (rows are
  sorted by tag in a round's snapshot, so either member's order gives the same);
* the goal units, from the goal lists (matching.goals' rules: 4 quarters on the
  same topic, 2 when either goal is about nothing in particular, 1 for topics of
  one category, the best ``goal_max_kinds`` kinds summed);
* the specialty facts and, when the round has call windows, whether a call fits
  inside both members' windows.
"""

from __future__ import annotations

import numpy as np

from introductions.components import ScoreComponents

from .goals import FULL, SAME_CATEGORY, UNTIED
from .scoring import Population, Weights, idf
from .windows import WindowSets


def _member_weights(
    pop: Population, rows: np.ndarray, idf_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR entries of the given members: (row of the entry, tag, float32 weight),
    and per member its start and length within them."""
    indptr = np.asarray(pop.tag_indptr, np.int64)
    indices = np.asarray(pop.tag_indices, np.int32)
    start, lens = indptr[rows], indptr[rows + 1] - indptr[rows]
    width = int(lens.max()) if len(lens) else 0
    pos = np.arange(width)
    present = pos[None, :] < lens[:, None]
    at = np.where(present, start[:, None] + pos[None, :], 0)
    tags = np.where(present, indices[at] if len(indices) else 0, 0)
    v = np.where(present, idf_w[tags].astype(np.float64), 0.0)
    # Column by column: the sequential order of the kernel's loop (np.sum would
    # sum pairwise, which rounds differently).
    ss = np.zeros(len(rows))
    for c in range(width):
        ss += v[:, c] * v[:, c]
    with np.errstate(divide="ignore"):
        inv = np.where(ss > 0.0, 1.0 / np.sqrt(ss), 0.0)
    w = (v * inv[:, None]).astype(np.float32)
    return tags, w, present


def interest_cosines(
    pop: Population, pairs: np.ndarray, idf_weights: np.ndarray | None = None
) -> np.ndarray:
    """float32 IDF cosine of each pair, bit for bit as the scoring kernel sums it."""
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    out = np.zeros(len(pairs), np.float32)
    if not len(pairs):
        return out
    idf_w = idf(pop) if idf_weights is None else np.asarray(idf_weights, np.float32)
    members, inverse = np.unique(pairs, return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    tags, w, present = _member_weights(pop, members, idf_w)
    n_tags = max(1, int(pop.n_tags))
    # Every (member, tag) entry by key, to find the second member's weight of a tag.
    keys = (np.arange(len(members))[:, None] * n_tags + tags)[present]
    if not len(keys):
        return out
    order = np.argsort(keys)
    sorted_keys, sorted_w = keys[order], w[present][order]
    first, second = inverse[:, 0], inverse[:, 1]
    for c in range(tags.shape[1]):
        here = present[first, c]
        want = second * n_tags + tags[first, c]
        at = np.minimum(np.searchsorted(sorted_keys, want), len(sorted_keys) - 1)
        shared = here & (sorted_keys[at] == want)
        product = w[first, c] * np.where(shared, sorted_w[at], np.float32(0.0))
        out = out + np.where(shared, product, np.float32(0.0))
    return out


def _worth(a: int, b: int, category: np.ndarray) -> int:
    if a == -1 or b == -1:
        return UNTIED
    if a == b and a >= 0:
        return FULL
    if a >= 0 and b >= 0 and category[a] >= 0 and category[a] == category[b]:
        return SAME_CATEGORY
    return 0


def goal_units(pop: Population, pairs: np.ndarray, max_kinds: int) -> np.ndarray:
    """Goal units (quarters) of each pair, from the goal lists."""
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    seeks = np.asarray(pop.seeks, np.uint64)
    offers = np.asarray(pop.offers, np.uint64)
    goals = pop.goal_lists()
    seeks_t, offers_t = goals.tied_masks()
    i, j = pairs[:, 0], pairs[:, 1]
    cross = (seeks[i] & offers[j]) | (seeks[j] & offers[i])
    cross_t = (seeks_t[i] & offers_t[j]) | (seeks_t[j] & offers_t[i])
    cap = max(0, int(max_kinds))
    # Without a kind tied to a topic on both sides, each complementary kind is
    # worth exactly UNTIED: one goal of it is about nothing in particular.
    units: np.ndarray = UNTIED * np.minimum(
        np.bitwise_count(cross).astype(np.int64), cap
    )
    category = pop.categories()
    for p in np.flatnonzero(cross_t).tolist():
        a, b = int(i[p]), int(j[p])
        best: dict[int, int] = {}
        for seeker, offerer in ((a, b), (b, a)):
            sought = [
                (int(goals.kind[g]), int(goals.tag[g]))
                for g in range(goals.indptr[seeker], goals.indptr[seeker + 1])
                if goals.seeks[g]
            ]
            offered = [
                (int(goals.kind[h]), int(goals.tag[h]))
                for h in range(goals.indptr[offerer], goals.indptr[offerer + 1])
                if not goals.seeks[h]
            ]
            for kind, tag in sought:
                for kind2, tag2 in offered:
                    if kind2 == kind:
                        value = _worth(tag, tag2, category)
                        best[kind] = max(best.get(kind, 0), value)
        units[p] = sum(sorted(best.values(), reverse=True)[:cap])
    return units


def pair_components(
    pop: Population,
    pairs: np.ndarray,
    weights: Weights,
    *,
    windows: WindowSets | None = None,
    idf_weights: np.ndarray | None = None,
) -> list[ScoreComponents]:
    """The components of each pair (i, j) of population rows."""
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    if not len(pairs):
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    cos = interest_cosines(pop, pairs, idf_weights)
    units = goal_units(pop, pairs, weights.goal_max_kinds)
    spec = np.asarray(pop.specialty, np.int64)
    differ = (spec[i] >= 0) & (spec[j] >= 0) & (spec[i] != spec[j])
    prefers = np.asarray(pop.prefers_other, bool)
    prefer = prefers[i] | prefers[j]
    overlap = windows.overlap(i, j).tolist() if windows is not None else None
    return [
        ScoreComponents(
            interest=float(cos[p]),
            goal_units=int(units[p]),
            cross_specialty=bool(differ[p]),
            prefers_other=bool(prefer[p]),
            windows_overlap=None if overlap is None else bool(overlap[p]),
        )
        for p in range(len(pairs))
    ]


def component_score(components: ScoreComponents, weights: Weights) -> float:
    """The pair's score from its components, by the kernel's float32 operations."""
    f32 = np.float32
    goal_quarter = f32(weights.goal) * f32(0.25)
    if components.cross_specialty:
        bonus = f32(
            weights.cross_specialty_preferred
            if components.prefers_other
            else weights.cross_specialty
        )
    else:
        bonus = f32(0.0)
    value = (
        f32(weights.interest) * f32(components.interest)
        + goal_quarter * f32(components.goal_units)
        + bonus
    )
    return float(value)
