"""Choose a round's introductions from the candidate lists: greedy b-matching.

Problem: maximum-weight b-matching on the candidate graph (edge weight = pair
score), member i taking at most ``b_i = min(capacity[i], exposure_cap)`` new intros.

Algorithm: the classic greedy over edges sorted by score descending, taking an edge
whenever both ends still have capacity. Greedy is a 1/2-approximation of the
maximum-weight b-matching (every optimal edge it skips is blocked at an end whose
capacity is filled by edges at least as heavy, and each kept edge blocks at most two
optimal edges per unit of capacity). It is O(E log E) for the sort and O(E) for the
scan; exact max-weight b-matching (blossom / LP) is far too slow at a million
members' candidate lists, and the scores themselves are soft enough that the last
few percent of total weight are not worth it.

Fairness is built in five ways:

* Pass 0 serves members left out last round (``waited``) before anyone else:
  a matching of capacity 1 over the edges with a waiting end, greedy in the
  order below, then repaired (``_serve_waited``) until the guarantee holds: **a
  waiting member with a candidate who has room this round gets an intro, unless
  every such candidate is introduced to another waiting member.** Passes 1-2
  only add pairs and the augmenting paths never drop a pass-0 pair, so the
  guarantee holds for the round's final pairs. It is within the exposure cap
  (pass 0 uses one unit of capacity) and the floor (only candidates are edges),
  and it may cost score: a waiting member's best free candidate can take the
  place of a better-scoring pair, so the 1/2 bound below holds only for rounds
  with nobody waiting.
* Two passes. Pass 1 runs the greedy with every capacity at 1, so each member can
  get a first intro before anyone gets a second; pass 2 runs the greedy on the
  remaining capacity over the remaining edges. Without pass 1, a popular member with
  capacity 3 could take three partners whose only good alternatives were other
  people who then get nothing. With all capacities 1 (the usual weekly case) the two
  passes are the plain greedy and keep the 1/2 bound. With larger capacities pass 1
  trades worst-case weight for spreading intros and the 1/2 guarantee is lost: a
  member of capacity b whose b heavy edges are blocked by light pass-1 edges of
  their partners gets about 1/(1 + b) of the optimum (see the tests); on the
  benchmark's population it costs nothing in practice (docs/history.md).
  ``fair_first_pass=False`` gives the plain greedy and its 1/2 bound.
* Ties (common: many pairs score only goals and the specialty bonus) go to the edge
  whose better-placed member has waited longest: order is score descending, then
  ``min(rank[i], rank[j])`` ascending, then ``max(rank[i], rank[j])``, where rank
  orders members by (priority, index). Fully deterministic, and independent of how
  the candidate lists are laid out.
* The exposure cap bounds how many people any one member is offered to per round,
  so score maximisation cannot send everyone to the same few popular members.
* Before pairing, ``cap_shortlists`` bounds how many of the others' lists one
  member sits in, so that popular members do not push rare partners off them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from matching.pairing_kernels import _augment, _greedy, _serve_waited
from matching.scoring import tie_rank
from matching.windows import WindowSets


@njit(cache=True)
def _unique_edges(cand, score, rank):  # type: ignore[no-untyped-def]  # numba kernel
    """Each undirected candidate edge once (a < b), with the larger of its scores.

    A pair listed from both sides is kept from the row of its smaller end; the two
    scores can differ in the last float bit (sums run in a different order). Also
    returns the sort key (score descending, then the better tie rank of the two
    ends) and the other end's rank for breaking the remaining ties.
    """
    n, k = cand.shape
    ea = np.empty(n * k, np.int32)
    eb = np.empty(n * k, np.int32)
    es = np.empty(n * k, np.float32)
    key = np.empty(n * k, np.uint64)
    r_other = np.empty(n * k, np.int32)
    m = 0
    for i in range(n):
        for p in range(k):
            j = cand[i, p]
            if j < 0 or j == i:
                continue
            back = -1
            for q in range(k):
                if cand[j, q] == i:
                    back = q
                    break
            if back >= 0 and j < i:
                continue
            s = score[i, p]
            if back >= 0:
                s = max(s, score[j, back])
            ea[m] = min(i, j)
            eb[m] = max(i, j)
            es[m] = s
            ri = rank[i]
            rj = rank[j]
            # Scores are >= 0, so their float32 bit patterns sort like the values.
            bits = np.uint64(np.float32(s).view(np.uint32))
            key[m] = ((np.uint64(0xFFFFFFFF) - bits) << np.uint64(32)) | np.uint64(
                min(ri, rj)
            )
            r_other[m] = max(ri, rj)
            m += 1
    return ea[:m], eb[:m], es[:m], key[:m], r_other[:m]


@njit(cache=True)
def _break_ties(order, key, r_other):  # type: ignore[no-untyped-def]  # numba kernel
    """Within runs of equal key, order by the other end's rank (insertion sort)."""
    e = len(order)
    lo = 0
    while lo < e:
        hi = lo + 1
        while hi < e and key[order[hi]] == key[order[lo]]:
            hi += 1
        for x in range(lo + 1, hi):
            v = order[x]
            y = x
            while y > lo and r_other[order[y - 1]] > r_other[v]:
                order[y] = order[y - 1]
                y -= 1
            order[y] = v
        lo = hi
    return order


def candidate_edges(
    cand: np.ndarray, score: np.ndarray, *, priority: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct undirected edges (a < b) from candidate lists, in greedy order.

    Returns (a int32, b int32, score float32) ordered by score descending, then the
    tie rank of the better-placed end, then the tie rank of the other end (ranks
    order members by priority, then index), so the order never depends on how the
    lists were laid out.
    """
    cand = np.ascontiguousarray(cand, dtype=np.int32)
    score = np.ascontiguousarray(score, dtype=np.float32)
    if (score < 0).any():
        # The sort key reads float bits as integers, valid for scores >= 0 only.
        raise ValueError("candidate scores must be >= 0 (use min_score >= 0)")
    a, b, s, key, r_other = _unique_edges(cand, score, tie_rank(priority))
    order = _break_ties(np.argsort(key), key, r_other)
    return a[order], b[order], s[order]


def pair_round(
    cand: np.ndarray,
    score: np.ndarray,
    *,
    capacity: np.ndarray,
    exposure_cap: int,
    priority: np.ndarray,
    fair_first_pass: bool = True,
    windows: WindowSets | None = None,
    augment: bool = True,
    max_loss: float = 0.0,
    waited: np.ndarray | None = None,
) -> np.ndarray:
    """Choose this round's pairs from the candidate lists.

    ``cand``/``score`` are as returned by ``top_candidates`` for all n rows.
    ``capacity`` int32 (n,): new intros member i may get this round; it is min'ed
    with ``exposure_cap`` here. ``windows``: pairs that cannot meet inside both
    call windows come after those that can, in every pass. ``augment``: then
    serve members the greedy left out (``_augment``), losing at most ``max_loss``
    (a share) of the greedy's total score. ``waited`` bool (n,): members left out
    last round, served first (``_serve_waited``). Returns int32 (p, 2) pairs
    with i < j, each member at most ``min(capacity[i], exposure_cap)`` times, no
    pair twice; pass-0 pairs come first, then pass 1's, each pass in greedy
    order (best first), then the pairs the augmenting paths added.
    """
    n = cand.shape[0]
    if score.shape != cand.shape or len(capacity) != n or len(priority) != n:
        raise ValueError("cand, score, capacity and priority disagree on n")
    cap = np.minimum(np.asarray(capacity, dtype=np.int64), int(exposure_cap))
    cap = np.maximum(cap, 0)
    ea, eb, es = candidate_edges(cand, score, priority=priority)
    ok = (
        windows.overlap(ea, eb)
        if windows is not None
        else np.ones(len(ea), dtype=np.bool_)
    )
    in_order = np.argsort(tie_rank(priority), kind="stable").astype(np.int64)
    first = _pass_zero(ea, eb, cap, ok, waited, in_order)
    chosen = _greedy(ea, eb, cap, bool(fair_first_pass), ok, first)
    if augment and len(chosen):
        fixed = np.zeros(len(ea), dtype=np.bool_)
        fixed[first] = True
        total = float(es[chosen].astype(np.float64).sum())
        chosen = _augment(
            ea,
            eb,
            es.astype(np.float64),
            ok,
            cap,
            chosen,
            fixed,
            in_order,
            max(0.0, float(max_loss)) * total,
        )
    return np.stack([ea[chosen], eb[chosen]], axis=1).astype(np.int32).reshape(-1, 2)


def _pass_zero(
    ea: np.ndarray,
    eb: np.ndarray,
    cap: np.ndarray,
    ok: np.ndarray,
    waited: np.ndarray | None,
    in_order: np.ndarray,
) -> np.ndarray:
    """The edges pass 0 chooses for the members who waited (none when nobody did);
    the augmenting paths never drop them."""
    if waited is None or not np.any(waited):
        return np.zeros(0, dtype=np.int64)
    if len(waited) != len(cap):
        raise ValueError("waited disagrees on n")
    first: np.ndarray = _serve_waited(
        ea, eb, cap, ok, np.asarray(waited, dtype=np.bool_), in_order
    )
    return first


@njit(cache=True)
def _cap_shortlists(cand, score, cap, k_out, keep_row, rows_in_order):  # type: ignore[no-untyped-def]  # numba kernel
    """Trim each member's appearances in others' lists to ``cap`` (see below)."""
    n, width = cand.shape
    used = np.zeros(n, np.int64)
    kept = np.zeros((n, width), np.bool_)
    for i in range(n):
        for p in range(width):
            j = cand[i, p]
            if j >= 0 and (p == 0 or keep_row[i]):
                kept[i, p] = True
                used[j] += 1
    for p in range(1, width):
        for i in rows_in_order:
            j = cand[i, p]
            if j < 0 or kept[i, p] or used[j] >= cap:
                continue
            kept[i, p] = True
            used[j] += 1
    out = np.full((n, k_out), -1, np.int32)
    out_score = np.zeros((n, k_out), np.float32)
    for i in range(n):
        q = 0
        for p in range(width):
            if q == k_out:
                break
            if kept[i, p]:
                out[i, q] = cand[i, p]
                out_score[i, q] = score[i, p]
                q += 1
    return out, out_score


def cap_shortlists(
    cand: np.ndarray,
    score: np.ndarray,
    *,
    k: int,
    cap_factor: float,
    priority: np.ndarray,
    keep_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Shortlists of ``k`` in which no member crowds out everyone else.

    ``cand``/``score`` are the kernel's lists, best first, usually a few columns
    wider than ``k`` so that trimmed lists refill from below. A member j stays in
    at most ``cap = ceil(cap_factor * mean list length)`` lists (the mean of the
    first ``k`` columns, i.e. the mean number of lists a member is in), those
    where j ranks highest (position in the list, then the list's owner in
    fairness order). Always kept, and counted first: every list's best entry (a
    member whose candidates are all popular keeps one) and the whole list of
    ``keep_rows`` (members left out last round: their promise is over their own
    list). ``cap_factor`` <= 0 keeps everything. Returns the first ``k`` kept
    entries of each list and the cap used (0 when off).
    """
    cand = np.ascontiguousarray(cand, dtype=np.int32)
    score = np.ascontiguousarray(score, dtype=np.float32)
    n = cand.shape[0]
    if cap_factor <= 0 or n == 0:
        return cand[:, :k].copy(), score[:, :k].copy(), 0
    listed = int((cand[:, :k] >= 0).sum())
    cap = max(1, math.ceil(cap_factor * listed / n))
    keep_row = (
        np.zeros(n, np.bool_)
        if keep_rows is None
        else np.asarray(keep_rows, dtype=np.bool_)
    )
    in_order = np.argsort(tie_rank(priority), kind="stable").astype(np.int64)
    out, out_score = _cap_shortlists(cand, score, cap, int(k), keep_row, in_order)
    return out, out_score, cap
