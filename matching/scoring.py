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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numba import njit, prange, types
from numba.extending import intrinsic

from .goals import (
    FULL,
    UNTIED,
    Goals,
    common_threshold,
    goal_units,
    rare_tags,
    shares_rare_tag,
)

# Columns per bound check and scan block: small, so that the bound of most blocks
# falls below the k-th score.
_SCAN_BLOCK = 64
# Rows per parallel work item: they share each pass over a tile of columns.
_ROWS_PER_TASK = 16
# Columns per tile: the tile's column data and the task's buffers stay in L2.
_TILE = 4096


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


@intrinsic
def _popcount_typing(typingctx, x):  # type: ignore[no-untyped-def]  # numba typing
    """Set bits of an unsigned integer, in its own type (vectorisable in a loop)."""
    if not isinstance(x, types.Integer) or x.signed:  # type: ignore[attr-defined]
        return None
    sig = x(x)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.ctpop(args[0])

    return sig, codegen


# numba's stubs give an intrinsic the typing function's parameters (typingctx
# too) and no result, and omit Integer.signed (above); in a kernel it takes the
# integer alone and returns its count.
_popcount = cast(Callable[[Any], Any], _popcount_typing)


def idf(pop: Population) -> np.ndarray:
    """Smoothed IDF per tag, float32 (n_tags,): ln((1 + n) / (1 + df)) + 1 (> 0)."""
    df = np.bincount(pop.tag_indices, minlength=pop.n_tags).astype(np.float64)
    return (np.log((1.0 + pop.n) / (1.0 + df)) + 1.0).astype(np.float32)


@njit(cache=True)
def _row_weights(indptr, indices, idf_w):  # type: ignore[no-untyped-def]  # numba kernel
    """Per (member, tag) entry: idf[t] / ||member's idf vector||, float32."""
    n = len(indptr) - 1
    w = np.empty(len(indices), np.float32)
    for i in range(n):
        ss = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            v = np.float64(idf_w[indices[p]])
            ss += v * v
        inv = 1.0 / np.sqrt(ss) if ss > 0.0 else 0.0
        for p in range(indptr[i], indptr[i + 1]):
            w[p] = np.float32(np.float64(idf_w[indices[p]]) * inv)
    return w


@njit(cache=True)
def _postings(indptr, indices, w, n_tags, order):  # type: ignore[no-untyped-def]  # numba kernel
    """Transpose member -> tags into tag -> columns, columns ascending.

    Column u is member ``order[u]``: the scan visits members in that order.
    """
    n = len(indptr) - 1
    tptr = np.zeros(n_tags + 1, np.int64)
    for p in range(len(indices)):
        tptr[indices[p] + 1] += 1
    for t in range(n_tags):
        tptr[t + 1] += tptr[t]
    pos = tptr[:-1].copy()
    members = np.empty(len(indices), np.int32)
    pw = np.empty(len(indices), np.float32)
    for u in range(n):
        i = order[u]
        for p in range(indptr[i], indptr[i + 1]):
            t = indices[p]
            q = pos[t]
            members[q] = u
            pw[q] = w[p]
            pos[t] = q + 1
    return tptr, members, pw


@njit(cache=True)
def _block_masks(seeks, offers, block):  # type: ignore[no-untyped-def]  # numba kernel
    """Per block of columns, the union of their seeks and of their offers."""
    n = len(seeks)
    nb = (n + block - 1) // block
    bs = np.zeros(nb, np.uint64)
    bo = np.zeros(nb, np.uint64)
    for u in range(n):
        b = u // block
        bs[b] |= seeks[u]
        bo[b] |= offers[u]
    return bs, bo


@njit(cache=True, inline="always")
def _block_max(bits, o0, nb, f1, i1, nonneg):  # type: ignore[no-untyped-def]  # numba kernel
    """Max of the float32 values whose bits are bits[o0:o0 + nb] (nb >= 1).

    Taken on integers mapped to the same order (flip the magnitude bits of
    negatives), which vectorises where a float max would not; f1 and i1 are one
    float32 and its int32 view, to turn the result back into a float.
    """
    m = np.int32(-2147483648)
    if nonneg:
        # Non-negative floats already order like their bits.
        for x in range(nb):
            m = max(m, bits[np.uint64(o0) + np.uint64(x)])
        i1[0] = m
        return f1[0]
    for x in range(nb):
        b = bits[np.uint64(o0) + np.uint64(x)]
        m = max(m, b ^ ((b >> np.int32(31)) & np.int32(0x7FFFFFFF)))
    i1[0] = m ^ ((m >> np.int32(31)) & np.int32(0x7FFFFFFF))
    return f1[0]


@njit(cache=True)
def _excluded_rows(keys, n, start, stop):  # type: ignore[no-untyped-def]  # numba kernel
    """Excluded partners of rows start..stop-1 as CSR (partners ascending per row)."""
    m = stop - start
    cnt = np.zeros(m + 1, np.int64)
    for x in range(len(keys)):
        a = keys[x] // n
        b = keys[x] - a * n
        if start <= a < stop:
            cnt[a - start + 1] += 1
        if start <= b < stop and b != a:
            cnt[b - start + 1] += 1
    for r in range(m):
        cnt[r + 1] += cnt[r]
    pos = cnt[:-1].copy()
    part = np.empty(cnt[m], np.int64)
    for x in range(len(keys)):
        a = keys[x] // n
        b = keys[x] - a * n
        if start <= a < stop:
            part[pos[a - start]] = b
            pos[a - start] += 1
        if start <= b < stop and b != a:
            part[pos[b - start]] = a
            pos[b - start] += 1
    for r in range(m):
        part[cnt[r] : cnt[r + 1]].sort()
    return cnt, part


@njit(cache=True, inline="always")
def _is_excluded(part, lo, hi, j):  # type: ignore[no-untyped-def]  # numba kernel
    end = hi
    while lo < hi:
        mid = (lo + hi) >> 1
        if part[mid] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo < end and part[lo] == j


@njit(cache=True, inline="always")
def _bonus(has_i, spec_i, spec_j, pref_j, b_pref, b_plain):  # type: ignore[no-untyped-def]  # numba kernel
    """The specialty bonus of a pair: b_plain is row i's, b_pref if j prefers.

    The block kernels spell it out: inlined there, it stops LLVM vectorising.
    """
    differ = has_i & (spec_j >= 0) & (spec_j != spec_i)
    b = b_pref if pref_j else b_plain
    return b if differ else np.float32(0.0)


@njit(cache=True)
def _score_block(  # type: ignore[no-untyped-def]  # numba kernel
    buf,
    o0,
    b0,
    nb,
    seeks,
    offers,
    spec,
    pref,
    rank,
    si,
    oi,
    has_i,
    spec_i,
    b_pref,
    b_plain,
    cst,
    thr,
    r_last,
    sc,
):
    """Scores of row i against columns b0..b0+nb-1 (buf[o0:o0+nb]) into sc.

    Exact when no complementary kind of these columns is tied to a topic on
    both sides: each such kind is then worth exactly UNTIED quarters (see
    matching.goals). Goal masks are uint32 when every kind fits (uint64
    otherwise) and the counter int32, so that every lane is 32 bits wide:
    LLVM then vectorises 8-wide on AVX2 (a 64-bit lane anywhere halves that).
    Branch-free, with unsigned indices (no negative-index fix-ups), no slices
    (a slice per block costs more than the 64 columns), one output array
    (each more adds run-time alias checks that stop LLVM vectorising) and
    outside the parallel loop. Clearing buf here is cheaper than re-walking
    the posting lists. Returns how many scores would enter the top-k list,
    i.e. beat (thr, r_last); an integer sum vectorises where a max would not.
    """
    interest, goal_q, goal_cap = cst[0], cst[1], np.int32(cst[2])
    entering = np.int32(0)
    ob = np.uint64(o0)
    cb = np.uint64(b0)
    for x in range(nb):
        ux = np.uint64(x)
        c = cb + ux
        cross = (si & offers[c]) | (seeks[c] & oi)
        # Cast back: numba widens int32 products to 64 bits, halving the lanes.
        units = np.int32(np.int32(UNTIED) * min(np.int32(_popcount(cross)), goal_cap))
        sj = spec[c]
        differ = has_i & (sj >= 0) & (sj != spec_i)
        b = b_pref if pref[c] else b_plain
        bonus = b if differ else np.float32(0.0)
        v = interest * buf[ob + ux] + goal_q * np.float32(units) + bonus
        sc[ux] = v
        buf[ob + ux] = 0.0
        hit = (v > thr) | ((v == thr) & (rank[c] < r_last))
        entering = np.int32(entering + np.int32(hit))
    return entering


@njit(cache=True)
def _bound_block(  # type: ignore[no-untyped-def]  # numba kernel
    buf,
    o0,
    b0,
    nb,
    seeks,
    offers,
    seeks_t,
    offers_t,
    spec,
    pref,
    rank,
    si,
    oi,
    si_t,
    oi_t,
    has_i,
    spec_i,
    b_pref,
    b_plain,
    cst,
    thr,
    r_last,
    sc,
):
    """As _score_block where some kinds are tied to a topic on both sides.

    Those kinds may be worth up to FULL quarters, so sc gets an upper bound of
    each score, exact for the other columns; buf is left for the exact pass.
    """
    interest, goal_q, goal_cap = cst[0], cst[1], np.int32(cst[2])
    entering = np.int32(0)
    ob = np.uint64(o0)
    cb = np.uint64(b0)
    for x in range(nb):
        ux = np.uint64(x)
        c = cb + ux
        cross = (si & offers[c]) | (seeks[c] & oi)
        cross_t = (si_t & offers_t[c]) | (seeks_t[c] & oi_t)
        # int32 throughout (see _score_block).
        n_t = np.int32(_popcount(cross_t))
        n_u = np.int32(np.int32(_popcount(cross)) - n_t)
        n_t = min(n_t, goal_cap)
        n_u = min(n_u, np.int32(goal_cap - n_t))
        units = np.int32(np.int32(FULL) * n_t + np.int32(UNTIED) * n_u)
        sj = spec[c]
        differ = has_i & (sj >= 0) & (sj != spec_i)
        b = b_pref if pref[c] else b_plain
        bonus = b if differ else np.float32(0.0)
        v = interest * buf[ob + ux] + goal_q * np.float32(units) + bonus
        sc[ux] = v
        hit = (v > thr) | ((v == thr) & (rank[c] < r_last))
        entering = np.int32(entering + np.int32(hit))
    return entering


@njit(parallel=True, cache=True)
def _top_block(  # type: ignore[no-untyped-def]  # numba kernel
    start,
    stop,
    k,
    rows_per_task,
    tile,
    indptr,
    indices,
    w,
    tptr,
    pmem,
    pw,
    seeks32,
    offers32,
    seeks,
    offers,
    seeks_t32,
    offers_t32,
    seeks_t,
    offers_t,
    wide,
    spec,
    pref,
    rank,
    cst,
    min_score,
    ex_ptr,
    ex_part,
    order,
    col_of,
    blk_seeks,
    blk_offers,
    blk_seeks_t,
    blk_offers_t,
    prune,
    nonneg,
    m_seeks,
    m_offers,
    gptr,
    gkind,
    gseek,
    gtag,
    tag_cat,
    rare,
    bloom,
):
    n = len(indptr) - 1
    m = stop - start
    interest, goal_q, goal_cap = cst[0], cst[1], np.int32(cst[2])
    b_cross = cst[3]
    b_pref = cst[4]
    out_c = np.full((m, k), -1, np.int32)
    out_s = np.zeros((m, k), np.float32)
    R = rows_per_task
    n_tasks = (m + R - 1) // R
    for task in prange(n_tasks):
        r0 = task * R
        nr = min(m, r0 + R) - r0
        i0 = start + r0
        buf = np.zeros(R * tile, np.float32)
        bits = buf.view(np.int32)
        f1 = np.empty(1, np.float32)
        i1 = f1.view(np.int32)
        sc = np.empty(_SCAN_BLOCK, np.float32)
        hs = np.empty((R, k), np.float32)
        hr = np.empty((R, k), np.int32)
        hj = np.empty((R, k), np.int32)
        count = np.zeros(R, np.int64)
        thr_a = np.full(R, min_score, np.float32)
        rl_a = np.full(R, np.int32(n), np.int32)
        # One cursor per (row, tag) entry into that tag's posting list; the rows of
        # a task are consecutive, so their entries are too.
        p0 = indptr[i0]
        p1 = indptr[i0 + nr]
        cur = np.empty(p1 - p0, np.int64)
        cend = np.empty(p1 - p0, np.int64)
        for p in range(p0, p1):
            cur[p - p0] = tptr[indices[p]]
            cend[p - p0] = tptr[indices[p] + 1]
        for j0 in range(0, n, tile):
            j1 = min(n, j0 + tile)
            for rr in range(nr):
                i = i0 + rr
                off = rr * tile - j0
                for p in range(indptr[i], indptr[i + 1]):
                    c = p - p0
                    q = cur[c]
                    qe = cend[c]
                    wi = w[p]
                    while q < qe:
                        j = pmem[q]
                        if j >= j1:
                            break
                        # Unsigned indices: no negative-index fix-up in the loop.
                        buf[np.uint64(off + j)] += wi * pw[q]
                        q += 1
                    cur[c] = q
            for rr in range(nr):
                i = i0 + rr
                r = r0 + rr
                # Column arrays are in scan order: member i is column col_of[i].
                self_col = col_of[i]
                spec_i = spec[self_col]
                has_i = spec_i >= 0
                b_plain = b_pref if pref[self_col] else b_cross
                si = seeks[self_col]
                oi = offers[self_col]
                si32 = np.uint32(si & np.uint64(0xFFFFFFFF))
                oi32 = np.uint32(oi & np.uint64(0xFFFFFFFF))
                si_t = seeks_t[self_col]
                oi_t = offers_t[self_col]
                si_t32 = np.uint32(si_t & np.uint64(0xFFFFFFFF))
                oi_t32 = np.uint32(oi_t & np.uint64(0xFFFFFFFF))
                b_max = max(np.float32(0.0), max(b_pref, b_plain))
                cnt = count[rr]
                # (thr, r_last): (score, tie rank) of the last kept, the one to beat.
                thr = thr_a[rr]
                r_last = rl_a[rr]
                ex_lo = ex_ptr[r]
                ex_hi = ex_ptr[r + 1]
                row_tied = (si_t | oi_t) != 0
                for b0 in range(j0, j1, _SCAN_BLOCK):
                    b1 = min(j1, b0 + _SCAN_BLOCK)
                    nb = b1 - b0
                    o0 = rr * tile + b0 - j0
                    bb = b0 // _SCAN_BLOCK
                    # Complementary kinds tied to a topic on both sides, in any
                    # column of the block: only they may be worth other than
                    # UNTIED quarters (see matching.goals).
                    n_t = np.int32(0)
                    if row_tied:
                        n_t = np.int32(
                            _popcount(
                                (si_t & blk_offers_t[bb]) | (blk_seeks_t[bb] & oi_t)
                            )
                        )
                    tied = n_t > 0
                    if prune:
                        # Upper bound of every score in the block, by the same float
                        # operations (rounding is monotone and the weights are >= 0):
                        # a block that cannot beat (thr, r_last) is skipped exactly.
                        # Kinds tied on both sides may be worth FULL quarters, any
                        # other complementary kind exactly UNTIED.
                        n_all = np.int32(
                            _popcount((si & blk_offers[bb]) | (blk_seeks[bb] & oi))
                        )
                        n_tc = min(n_t, goal_cap)
                        n_u = min(n_all - n_tc, goal_cap - n_tc)
                        units_max = np.int32(FULL) * n_tc + np.int32(UNTIED) * n_u
                        ub = (
                            interest * _block_max(bits, o0, nb, f1, i1, nonneg)
                            + goal_q * np.float32(units_max)
                            + b_max
                        )
                        if ub < thr:
                            for x in range(nb):
                                buf[np.uint64(o0) + np.uint64(x)] = 0.0
                            continue
                    if tied and wide:
                        entering = _bound_block(
                            buf,
                            o0,
                            b0,
                            nb,
                            seeks,
                            offers,
                            seeks_t,
                            offers_t,
                            spec,
                            pref,
                            rank,
                            si,
                            oi,
                            si_t,
                            oi_t,
                            has_i,
                            spec_i,
                            b_pref,
                            b_plain,
                            cst,
                            thr,
                            r_last,
                            sc,
                        )
                    elif tied:
                        entering = _bound_block(
                            buf,
                            o0,
                            b0,
                            nb,
                            seeks32,
                            offers32,
                            seeks_t32,
                            offers_t32,
                            spec,
                            pref,
                            rank,
                            si32,
                            oi32,
                            si_t32,
                            oi_t32,
                            has_i,
                            spec_i,
                            b_pref,
                            b_plain,
                            cst,
                            thr,
                            r_last,
                            sc,
                        )
                    elif wide:
                        entering = _score_block(
                            buf,
                            o0,
                            b0,
                            nb,
                            seeks,
                            offers,
                            spec,
                            pref,
                            rank,
                            si,
                            oi,
                            has_i,
                            spec_i,
                            b_pref,
                            b_plain,
                            cst,
                            thr,
                            r_last,
                            sc,
                        )
                    else:
                        entering = _score_block(
                            buf,
                            o0,
                            b0,
                            nb,
                            seeks32,
                            offers32,
                            spec,
                            pref,
                            rank,
                            si32,
                            oi32,
                            has_i,
                            spec_i,
                            b_pref,
                            b_plain,
                            cst,
                            thr,
                            r_last,
                            sc,
                        )
                    for x in range(nb if entering else 0):
                        s = sc[x]
                        u = b0 + x
                        rj = rank[u]
                        if s < thr or (s == thr and rj >= r_last) or u == self_col:
                            continue
                        j = order[u]
                        if ex_hi > ex_lo and _is_excluded(ex_part, ex_lo, ex_hi, j):
                            continue
                        # The floor and, for kinds tied on both sides, the exact
                        # goal term (see matching.goals).
                        cross = (si & offers[u]) | (seeks[u] & oi)
                        ok = cross != 0
                        if tied:
                            cross_t = (si_t & offers_t[u]) | (seeks_t[u] & oi_t)
                            ok = (cross & ~cross_t) != 0
                            if cross_t != 0:
                                units, ok_goal = goal_units(
                                    i,
                                    j,
                                    m_seeks,
                                    m_offers,
                                    goal_cap,
                                    gptr,
                                    gkind,
                                    gseek,
                                    gtag,
                                    tag_cat,
                                )
                                ok = ok or ok_goal
                                # The same float operations as _score_block.
                                bonus = _bonus(
                                    has_i, spec_i, spec[u], pref[u], b_pref, b_plain
                                )
                                s = (
                                    interest * buf[np.uint64(o0) + np.uint64(x)]
                                    + goal_q * np.float32(units)
                                    + bonus
                                )
                                if s < thr or (s == thr and rj >= r_last):
                                    continue
                        if not ok and not shares_rare_tag(
                            i, j, indptr, indices, rare, bloom
                        ):
                            continue
                        pos = cnt if cnt < k else k - 1
                        while pos > 0:
                            qs = hs[rr, pos - 1]
                            if qs > s or (qs == s and hr[rr, pos - 1] < rj):
                                break
                            hs[rr, pos] = hs[rr, pos - 1]
                            hr[rr, pos] = hr[rr, pos - 1]
                            hj[rr, pos] = hj[rr, pos - 1]
                            pos -= 1
                        hs[rr, pos] = s
                        hr[rr, pos] = rj
                        hj[rr, pos] = j
                        if cnt < k:
                            cnt += 1
                        if cnt == k:
                            thr = hs[rr, k - 1]
                            r_last = hr[rr, k - 1]
                    if tied:
                        # _bound_block left the cosines for the exact pass.
                        for x in range(nb):
                            buf[np.uint64(o0) + np.uint64(x)] = 0.0
                count[rr] = cnt
                thr_a[rr] = thr
                rl_a[rr] = r_last
        for rr in range(nr):
            for x in range(count[rr]):
                out_c[r0 + rr, x] = hj[rr, x]
                out_s[r0 + rr, x] = hs[rr, x]
    return out_c, out_s


def tie_rank(priority: np.ndarray) -> np.ndarray:
    """Position of each member in the order (priority ascending, index ascending)."""
    n = len(priority)
    order = np.lexsort((np.arange(n), np.asarray(priority)))
    rank = np.empty(n, np.int32)
    rank[order] = np.arange(n, dtype=np.int32)
    return rank


def _column_order(seeks: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Scan order of the columns: members with the same goal kinds side by side.

    A block of such columns has a small union of goal masks, hence a tight bound
    on the goal term, and most blocks can be skipped (see ``_top_block``).
    """
    n = len(seeks)
    union = seeks | offers
    if n and int(union.max()) < 1 << 28:
        # Most kinds first: those columns can score the most goal points, so the
        # k-th entry to beat rises early and more of the later blocks are skipped.
        key = (
            ((np.uint64(63) - np.bitwise_count(union)) << np.uint64(56))
            | (union << np.uint64(28))
            | seeks
        )
        return np.argsort(key, kind="stable")
    most_first = -np.bitwise_count(union).astype(np.int64)
    return np.lexsort((np.arange(n), offers, seeks, union, most_first))


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
    """:func:`top_candidates` with the tuning knobs exposed (tests, benchmarks).

    The result is the same whatever the knobs; ``tile`` is rounded up to whole
    scan blocks.
    """
    n = pop.n
    stop = n if stop is None else stop
    if not 0 <= start <= stop <= n:
        raise ValueError(f"bad row range {start}..{stop} for n={n}")
    if k <= 0:
        raise ValueError("k must be positive")
    if rows_per_task <= 0 or tile <= 0:
        raise ValueError("rows_per_task and tile must be positive")
    if weights.goal < 0:
        # The per-pair goal bound (see matching.goals) needs a weight >= 0.
        raise ValueError("the goal weight must be >= 0")
    tile = -(-tile // _SCAN_BLOCK) * _SCAN_BLOCK
    idf_w = idf(pop) if idf_weights is None else idf_weights
    indptr = np.ascontiguousarray(pop.tag_indptr, dtype=np.int64)
    indices = np.ascontiguousarray(pop.tag_indices, dtype=np.int32)
    w = _row_weights(indptr, indices, np.ascontiguousarray(idf_w, dtype=np.float32))
    seeks = np.ascontiguousarray(pop.seeks, dtype=np.uint64)
    offers = np.ascontiguousarray(pop.offers, dtype=np.uint64)
    m_seeks, m_offers = seeks, offers
    if pop.goals is None:
        # Every goal is about nothing in particular: the masks are exact and
        # the goal lists are never read.
        goals = Goals(
            indptr=np.zeros(n + 1, np.int64),
            kind=np.zeros(0, np.int32),
            seeks=np.zeros(0, np.bool_),
            tag=np.zeros(0, np.int32),
        )
        seeks_t = np.zeros(n, np.uint64)
        offers_t = np.zeros(n, np.uint64)
    else:
        goals = pop.goals
        seeks_t, offers_t = goals.tied_masks()
    if pop.tag_holders is not None and pop.members_total is not None:
        df, members = pop.tag_holders, pop.members_total
    else:
        df, members = np.bincount(indices, minlength=max(1, int(pop.n_tags))), n
    rare, bloom = rare_tags(
        indptr,
        indices,
        df,
        common_threshold(
            members, weights.common_tag_share, weights.common_tag_min_members
        ),
    )
    order = _column_order(seeks, offers) if sort_columns else np.arange(n)
    order = order.astype(np.int64)
    col_of = np.empty(n, np.int64)
    col_of[order] = np.arange(n, dtype=np.int64)
    tptr, pmem, pw = _postings(indptr, indices, w, int(pop.n_tags), order)
    seeks = seeks[order]
    offers = offers[order]
    seeks_t = seeks_t[order]
    offers_t = offers_t[order]
    wide = bool(n) and int((seeks | offers).max()) >= 1 << 32
    # Narrow masks when they fit: 32-bit lanes vectorise twice as wide.
    seeks32 = seeks.astype(np.uint32)
    offers32 = offers.astype(np.uint32)
    seeks_t32 = seeks_t.astype(np.uint32)
    offers_t32 = offers_t.astype(np.uint32)
    blk_seeks, blk_offers = _block_masks(seeks, offers, _SCAN_BLOCK)
    blk_seeks_t, blk_offers_t = _block_masks(seeks_t, offers_t, _SCAN_BLOCK)
    keys = (
        np.zeros(0, np.int64)
        if excluded is None
        else np.ascontiguousarray(excluded, dtype=np.int64)
    )
    ex_ptr, ex_part = _excluded_rows(keys, np.int64(n), np.int64(start), np.int64(stop))
    cst = np.array(
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
    # The block bound needs scores that grow with the cosine and the goal count.
    prune = bool(prune and cst[0] >= 0 and cst[1] >= 0)
    found: tuple[np.ndarray, np.ndarray] = _top_block(
        np.int64(start),
        np.int64(stop),
        np.int64(k),
        np.int64(rows_per_task),
        np.int64(tile),
        indptr,
        indices,
        w,
        tptr,
        pmem,
        pw,
        seeks32,
        offers32,
        seeks,
        offers,
        seeks_t32,
        offers_t32,
        seeks_t,
        offers_t,
        wide,
        np.ascontiguousarray(pop.specialty, dtype=np.int32)[order],
        np.ascontiguousarray(pop.prefers_other, dtype=np.bool_)[order],
        tie_rank(pop.priority)[order],
        cst,
        np.float32(weights.min_score),
        ex_ptr,
        ex_part,
        order,
        col_of,
        blk_seeks,
        blk_offers,
        blk_seeks_t,
        blk_offers_t,
        prune,
        # Every buffer value is then >= 0 (sums of products of weights >= 0).
        bool((w >= 0).all()),
        m_seeks,
        m_offers,
        np.ascontiguousarray(goals.indptr, dtype=np.int64),
        np.ascontiguousarray(goals.kind, dtype=np.int32),
        np.ascontiguousarray(goals.seeks, dtype=np.bool_),
        np.ascontiguousarray(goals.tag, dtype=np.int32),
        pop.categories(),
        rare,
        bloom,
    )
    return found
