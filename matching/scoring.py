"""Pair scores and top-k candidates: the Django-free matching core.

Score of a pair (i, j)::

    score = w.interest * cos_idf(i, j)
          + w.goal / 4 * goal_units(i, j)
          + bonus(i, j)

* ``cos_idf`` is the cosine of the two members' tag vectors, where member i's vector
  has weight ``idf[t]`` on each of its tags and is scaled to unit L2 norm. A shared
  rare tag therefore counts more than a shared popular one; the value lies in [0, 1].
* ``idf[t] = ln((1 + n) / (1 + df[t])) + 1`` (the "smoothed" variant): always > 0,
  so a tag everyone holds still counts a little, and no division by zero for df = 0.
* ``goal_units`` (matching.goals) counts goal kinds one member seeks and the other
  offers, on topic: 4 quarters when both goals are about the same tag, 2 when
  either is about nothing in particular, 1 when their tags share a category, 0
  when they are about different topics; each kind once (its best combination,
  either way), the best ``w.goal_max_kinds`` kinds summed. It is nonzero for pairs
  with no shared tag: interests are soft preferences, never hard buckets.
* ``bonus`` is ``w.cross_specialty`` when both members have a specialty (>= 0) and
  they differ, ``w.cross_specialty_preferred`` instead when either member asked to
  prefer other specialties, else 0.

The floor: a pair is a candidate only with a reason to meet, a goal kind worth at
least 2 quarters or a shared tag held by fewer than ``max(w.common_tag_min_members,
w.common_tag_share * N)`` of the whole membership's N members (``pop.tag_holders``,
``pop.members_total``; the population itself when they are not given), and a score
of at least ``w.min_score``.

Worked example (n = 4 members, default weights). Tag "ai" is held by 3 members,
"journalism" by 1 (member A), so idf(ai) = ln(5/4) + 1 = 1.2231 and
idf(journalism) = ln(5/2) + 1 = 1.9163. A = {ai, journalism}, B = {ai}:
cos = 1.2231**2 / (sqrt(1.2231**2 + 1.9163**2) * 1.2231) = 1.2231 / 2.2733 = 0.5380.
A seeks mentorship, B offers it, neither about a topic: 2 quarters, +0.15. A is a
cardiologist, B an oncologist, A prefers other specialties: +0.10. Score = 0.5380
+ 0.15 + 0.10 = 0.7880 ("ai" has 3 holders, under 10: a reason to meet).

Method (exact, no Python loop over pairs, memory O(R * tile) per thread): rows are
processed in groups of R consecutive rows (``_ROWS_PER_TASK``), groups in parallel
(numba ``prange``). The columns are visited in an order that puts members with the
same goal kinds side by side (``_column_order``), in tiles of ``_TILE`` columns, so
that one tile's column data and the group's R tile buffers stay in L2 and are read
once per group rather than once per row (at 1,000,000 members a full column pass
is ~20 MB, far beyond cache). For each tile and each row of the group, the posting
lists of the row's tags (tag -> columns holding it, each entry weighted
``idf[t] / ||member||``), from a per-(row, tag) cursor, are scatter-added, times the
row's own weight for that tag and in the row's own tag order, into the row's dense
float32 tile buffer: afterwards ``buf[j]`` is the cosine of (i, j), by exactly the
same float operations as a whole-row pass. Then, per block of 64 columns, an upper
bound of every score in the block is taken from the buffer's max, the union of the
block's goal masks and the largest bonus, with the same float operations (rounding
is monotone and the weights are >= 0): most blocks cannot beat the current k-th
entry and are skipped; the others are scored by one vectorised pass (goal kinds as
bit masks and a popcount, the specialty bonus). That pass is exact unless a
complementary kind of the block is tied to a topic on both sides; such blocks get
a pass of upper bounds instead, and only a column whose bound would enter the
k-entry list (sorted best-first) gets the exact topic check (matching.goals) and
enters by its exact score. Every column that would enter gets the floor.
The k best under a total order (score, then tie rank) do not depend on
the order the columns are visited in, so the result is the same whatever the
column order, tile, group size, block split or thread count. (A NaN score,
impossible with finite weights and idf, may be dropped where a full scan kept it.)

Ties (common: many pairs share only goals and the specialty bonus) are broken by
``priority[j]`` ascending (who has waited longest), then j ascending.

Why this method: the work is n^2 simple operations in the worst case (the goal
term is nonzero for pairs with no shared tag, so no sparse method can skip them
exactly), done with O(R * tile) memory per thread and no n x n matrix; the exact
block bound then skips most of the scan without changing any result. A sparse
matrix product plus ``argpartition`` is exact too, but materialises products far
larger than the top-k lists. Measurements: docs/performance.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .goals import Goals, common_threshold, rare_tags
from .scoring_columns import scan_columns
from .scoring_kernels import _excluded_rows, _row_weights
from .scoring_scan import _SCAN_BLOCK, _top_block

# Rows per parallel work item: they share each pass over a tile of columns.
_ROWS_PER_TASK = 16
# Columns per tile: the tile's column data and the task's buffers stay in L2.
_TILE = 4096

_Four = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Weights:
    interest: float = 1.0
    # Per goal kind complemented on the same topic; about nothing in particular
    # counts half, tags of the same category a quarter, other topics nothing.
    goal: float = 0.30
    goal_max_kinds: int = 3
    cross_specialty: float = 0.03
    cross_specialty_preferred: float = 0.10
    min_score: float = 0.05
    # The floor: a tag held by at least max(min_members, share * n) members is
    # widely held, and sharing only such tags is no reason to meet.
    common_tag_share: float = 0.05
    common_tag_min_members: int = 10


@dataclass
class Population:
    tag_indptr: np.ndarray  # int64 (n+1,)  CSR member -> tags
    tag_indices: np.ndarray  # int32 (nnz,)  distinct within a row
    n_tags: int
    seeks: np.ndarray  # uint64 (n,)
    offers: np.ndarray  # uint64 (n,)
    specialty: np.ndarray  # int32 (n,)  -1 = none
    prefers_other: np.ndarray  # bool (n,)
    priority: np.ndarray  # int64 (n,)  lower = waited longer
    # Goals with their topics; None: one goal about nothing in particular per
    # kind bit of seeks/offers (which must agree with the goals when given).
    goals: Goals | None = None
    tag_category: np.ndarray | None = None  # int32 (n_tags,)  -1 = none
    # How many members of the whole membership hold each tag, and how many members
    # there are; None: the floor counts within the population itself.
    tag_holders: np.ndarray | None = None  # int64 (n_tags,)
    members_total: int | None = None

    @property
    def n(self) -> int:
        return len(self.tag_indptr) - 1

    def goal_lists(self) -> Goals:
        return (
            self.goals
            if self.goals is not None
            else Goals.untied(
                np.asarray(self.seeks, np.uint64), np.asarray(self.offers, np.uint64)
            )
        )

    def categories(self) -> np.ndarray:
        if self.tag_category is None:
            return np.full(max(1, self.n_tags), -1, np.int32)
        return np.ascontiguousarray(self.tag_category, dtype=np.int32)


def idf(pop: Population) -> np.ndarray:
    """Smoothed IDF per tag, float32 (n_tags,): ln((1 + n) / (1 + df)) + 1 (> 0)."""
    df = np.bincount(pop.tag_indices, minlength=pop.n_tags).astype(np.float64)
    return (np.log((1.0 + pop.n) / (1.0 + df)) + 1.0).astype(np.float32)


def tie_rank(priority: np.ndarray) -> np.ndarray:
    """Position of each member in the order (priority ascending, index ascending)."""
    n = len(priority)
    order = np.lexsort((np.arange(n), np.asarray(priority)))
    rank = np.empty(n, np.int32)
    rank[order] = np.arange(n, dtype=np.int32)
    return rank


def top_candidates(
    pop: Population,
    *,
    k: int,
    weights: Weights,
    start: int = 0,
    stop: int | None = None,
    excluded: np.ndarray | None = None,
    idf_weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k candidates for members start..stop-1 against all n members.

    Returns (cand int32 (m, k), score float32 (m, k)), each row sorted best-first,
    padded with -1 / 0.0. Never self; never a pair in ``excluded`` (sorted int64
    keys ``min(i, j) * n + max(i, j)``); never a score below ``weights.min_score``.
    Ties broken by ``priority[j]`` ascending, then j ascending. The same input gives
    the same output whatever the block split or thread count. ``idf_weights`` lets
    a caller scoring many blocks compute :func:`idf` once.
    """
    return _top_candidates(
        pop,
        k=k,
        weights=weights,
        start=start,
        stop=stop,
        excluded=excluded,
        idf_weights=idf_weights,
    )


def _top_candidates(
    pop: Population,
    *,
    k: int,
    weights: Weights,
    start: int = 0,
    stop: int | None = None,
    excluded: np.ndarray | None = None,
    idf_weights: np.ndarray | None = None,
    rows_per_task: int = _ROWS_PER_TASK,
    tile: int = _TILE,
    prune: bool = True,
    sort_columns: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_candidates` with the tuning knobs exposed (tests, benchmarks): the
    result is the same whatever the knobs (``tile`` is rounded up to whole blocks)."""
    n = pop.n
    stop = n if stop is None else stop
    _check_arguments(n, start, stop, k, weights, rows_per_task, tile)
    tags = indptr, indices, w = _weighted_tags(pop, idf_weights)
    goals, seeks_t, offers_t = _goals_and_tied_masks(pop)
    cols = scan_columns(
        pop.seeks,
        pop.offers,
        seeks_t,
        offers_t,
        (*tags, int(pop.n_tags)),
        sort_columns=sort_columns,
    )
    cst = _constants(weights)
    found: tuple[np.ndarray, np.ndarray] = _top_block(
        np.int64(start),
        np.int64(stop),
        np.int64(k),
        np.int64(rows_per_task),
        np.int64(-(-tile // _SCAN_BLOCK) * _SCAN_BLOCK),
        *tags,
        *cols.postings(),
        *cols.kind_masks(),
        *cols.tied_masks(),
        cols.wide,
        *_member_arrays(pop, cols.order),
        cst,
        np.float32(weights.min_score),
        *_excluded(excluded, n, start, stop),
        cols.order,
        cols.col_of,
        *cols.block_masks(),
        # The block bound needs scores that grow with the cosine and the goal count.
        bool(prune and cst[0] >= 0 and cst[1] >= 0),
        # Every buffer value is then >= 0 (sums of products of weights >= 0).
        bool((w >= 0).all()),
        *_member_masks(pop),
        *_goal_lists(goals),
        pop.categories(),
        *_rare_tags(pop, weights, indptr, indices),
    )
    return found


def _weighted_tags(
    pop: Population, idf_weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The members' tags (indptr, indices) and each entry's weight in its row."""
    idf_w = idf(pop) if idf_weights is None else idf_weights
    indptr = np.ascontiguousarray(pop.tag_indptr, dtype=np.int64)
    indices = np.ascontiguousarray(pop.tag_indices, dtype=np.int32)
    w = _row_weights(indptr, indices, np.ascontiguousarray(idf_w, dtype=np.float32))
    return indptr, indices, w


def _excluded(
    excluded: np.ndarray | None, n: int, start: int, stop: int
) -> tuple[np.ndarray, np.ndarray]:
    """The excluded pairs of rows start..stop-1 (see _excluded_rows)."""
    keys = (
        np.zeros(0, np.int64)
        if excluded is None
        else np.ascontiguousarray(excluded, dtype=np.int64)
    )
    found: tuple[np.ndarray, np.ndarray] = _excluded_rows(
        keys, np.int64(n), np.int64(start), np.int64(stop)
    )
    return found


def _member_arrays(
    pop: Population, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Specialty, preference for other specialties and tie rank, in scan order."""
    return (
        np.ascontiguousarray(pop.specialty, dtype=np.int32)[order],
        np.ascontiguousarray(pop.prefers_other, dtype=np.bool_)[order],
        tie_rank(pop.priority)[order],
    )


def _member_masks(pop: Population) -> tuple[np.ndarray, np.ndarray]:
    """The kinds each member seeks and offers, in member order."""
    return (
        np.ascontiguousarray(pop.seeks, dtype=np.uint64),
        np.ascontiguousarray(pop.offers, dtype=np.uint64),
    )


def _goal_lists(goals: Goals) -> _Four:
    """The goal lists (indptr, kind, seeks, tag), for the exact topic check."""
    return (
        np.ascontiguousarray(goals.indptr, dtype=np.int64),
        np.ascontiguousarray(goals.kind, dtype=np.int32),
        np.ascontiguousarray(goals.seeks, dtype=np.bool_),
        np.ascontiguousarray(goals.tag, dtype=np.int32),
    )


def _check_arguments(
    n: int,
    start: int,
    stop: int,
    k: int,
    weights: Weights,
    rows_per_task: int,
    tile: int,
) -> None:
    if not 0 <= start <= stop <= n:
        raise ValueError(f"bad row range {start}..{stop} for n={n}")
    if k <= 0:
        raise ValueError("k must be positive")
    if rows_per_task <= 0 or tile <= 0:
        raise ValueError("rows_per_task and tile must be positive")
    if weights.goal < 0:
        # The per-pair goal bound (see matching.goals) needs a weight >= 0.
        raise ValueError("the goal weight must be >= 0")


def _goals_and_tied_masks(pop: Population) -> tuple[Goals, np.ndarray, np.ndarray]:
    """The goal lists and, per member, the kinds sought and offered about a topic."""
    n = pop.n
    if pop.goals is None:
        # Every goal is about nothing in particular: the masks are exact and
        # the goal lists are never read.
        goals = Goals(
            indptr=np.zeros(n + 1, np.int64),
            kind=np.zeros(0, np.int32),
            seeks=np.zeros(0, np.bool_),
            tag=np.zeros(0, np.int32),
        )
        return goals, np.zeros(n, np.uint64), np.zeros(n, np.uint64)
    seeks_t, offers_t = pop.goals.tied_masks()
    return pop.goals, seeks_t, offers_t


def _rare_tags(
    pop: Population, weights: Weights, indptr: np.ndarray, indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The floor's rare tags, counted in the whole membership when it is given."""
    if pop.tag_holders is not None and pop.members_total is not None:
        df, members = pop.tag_holders, pop.members_total
    else:
        df, members = np.bincount(indices, minlength=max(1, int(pop.n_tags))), pop.n
    return rare_tags(
        indptr,
        indices,
        df,
        common_threshold(
            members, weights.common_tag_share, weights.common_tag_min_members
        ),
    )


def _constants(weights: Weights) -> np.ndarray:
    """The weights as the scan reads them, float32."""
    return np.array(
        [
            weights.interest,
            # Per quarter unit of matching.goals (exact: a power-of-two scaling).
            np.float32(weights.goal) * np.float32(0.25),
            max(0, int(weights.goal_max_kinds)),
            weights.cross_specialty,
            weights.cross_specialty_preferred,
        ],
        dtype=np.float32,
    )
