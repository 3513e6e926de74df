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

from matching.scoring import tie_rank
from matching.windows import WindowSets


@njit(cache=True)
def _serve_waited(ea, eb, cap, ok, waited, members_in_order):  # type: ignore[no-untyped-def]  # numba kernel
    """Pass 0: one intro each for members left out last round, as many as possible.

    A greedy matching (capacity 1, edges in priority order, pairs who can meet
    inside their windows first) over the edges with at least one waiting end, then
    repairs until none applies: a waiting member u with no pair takes a candidate
    left free (by an earlier repair), or a waiting candidate v paired with someone
    who is not waiting drops that partner for u (v stays served, one more waiting
    member is). Each repair serves one more waiting member, so they stop. At the
    end, a waiting member with no pair has every candidate with room paired with
    another waiting member (``_greedy`` keeps these pairs and ``_augment`` never
    drops them). Returns the chosen edge indices.
    """
    n = len(cap)
    n_edges = len(ea)
    mate = np.full(n, -1, np.int64)
    for want_ok in (True, False):
        for e in range(n_edges):
            a = ea[e]
            b = eb[e]
            if ok[e] != want_ok or not (waited[a] or waited[b]):
                continue
            if mate[a] >= 0 or mate[b] >= 0 or cap[a] <= 0 or cap[b] <= 0:
                continue
            mate[a] = e
            mate[b] = e
    ptr = np.zeros(n + 1, np.int64)
    for e in range(n_edges):
        if waited[ea[e]]:
            ptr[ea[e] + 1] += 1
        if waited[eb[e]]:
            ptr[eb[e] + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    fill = ptr[:-1].copy()
    adj = np.empty(ptr[n], np.int64)
    for e in range(n_edges):
        for m in (ea[e], eb[e]):
            if waited[m]:
                adj[fill[m]] = e
                fill[m] += 1
    changed = True
    while changed:
        changed = False
        for u in members_in_order:
            if not waited[u] or mate[u] >= 0 or cap[u] <= 0:
                continue
            # Inside both windows before outside; a free candidate before a swap.
            best = -1
            best_rank = 4
            for p in range(ptr[u], ptr[u + 1]):
                e1 = adj[p]
                v = eb[e1] if ea[e1] == u else ea[e1]
                if cap[v] <= 0:
                    continue
                rank = 0 if ok[e1] else 2
                if mate[v] >= 0:
                    e2 = mate[v]
                    w = eb[e2] if ea[e2] == v else ea[e2]
                    if not waited[v] or waited[w]:
                        continue
                    rank += 1
                if rank < best_rank:
                    best, best_rank = e1, rank
                    if rank == 0:
                        break
            if best < 0:
                continue
            v = eb[best] if ea[best] == u else ea[best]
            if mate[v] >= 0:
                e2 = mate[v]
                mate[eb[e2] if ea[e2] == v else ea[e2]] = -1
            mate[u] = best
            mate[v] = best
            changed = True
    chosen = np.empty(n, np.int64)
    n_chosen = 0
    for m in range(n):
        e = mate[m]
        if e >= 0 and (ea[e] == m):
            chosen[n_chosen] = e
            n_chosen += 1
    return np.sort(chosen[:n_chosen])


@njit(cache=True)
def _greedy(ea, eb, cap, fair_first_pass, ok, first):  # type: ignore[no-untyped-def]  # numba kernel
    """Indices of the chosen edges (edges already in priority order).

    ``first``: edges chosen before (pass 0), kept and listed first. In each pass
    the edges whose members can meet inside both call windows (``ok``) go first:
    a pair that cannot is used only when neither member has an overlapping
    partner left.
    """
    n_edges = len(ea)
    rem = cap.copy()
    taken = np.zeros(n_edges, np.bool_)
    chosen = np.empty(n_edges, np.int64)
    n_chosen = 0
    served = np.zeros(len(cap), np.bool_)
    for e in first:
        for m in (ea[e], eb[e]):
            served[m] = True
            rem[m] -= 1
        taken[e] = True
        chosen[n_chosen] = e
        n_chosen += 1
    if fair_first_pass:
        for want_ok in (True, False):
            for e in range(n_edges):
                a = ea[e]
                b = eb[e]
                if ok[e] != want_ok or served[a] or served[b]:
                    continue
                if rem[a] <= 0 or rem[b] <= 0:
                    continue
                served[a] = True
                served[b] = True
                rem[a] -= 1
                rem[b] -= 1
                taken[e] = True
                chosen[n_chosen] = e
                n_chosen += 1
    for want_ok in (True, False):
        for e in range(n_edges):
            a = ea[e]
            b = eb[e]
            if ok[e] != want_ok or taken[e] or rem[a] <= 0 or rem[b] <= 0:
                continue
            rem[a] -= 1
            rem[b] -= 1
            taken[e] = True
            chosen[n_chosen] = e
            n_chosen += 1
    return chosen[:n_chosen]


@njit(cache=True)
def _augment(ea, eb, es, ok, cap, chosen, fixed, members_in_order, budget):  # type: ignore[no-untyped-def]  # numba kernel
    """Serve members the greedy left out, by short augmenting paths.

    For an unserved member u (in fairness order) and a candidate v of u whose
    capacity is full, v drops one partner w and takes u; w then either takes an
    unchosen partner x with room (one pair becomes two), or keeps another intro
    (w had two). Nobody served loses their last intro, capacities (hence the
    exposure cap) hold, a member who could meet inside their call windows keeps
    a partner who can (pairs outside windows are tried in a second sweep, only
    where they replace such a pair), and the total score never falls more than
    ``budget`` below the greedy's. ``fixed`` pairs (pass 0's) are never dropped.
    Returns the final edge indices: the greedy's
    that stayed, in their order, then the added ones.
    """
    n = len(cap)
    n_edges = len(ea)
    ptr = np.zeros(n + 1, np.int64)
    for e in range(n_edges):
        ptr[ea[e] + 1] += 1
        ptr[eb[e] + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    fill = ptr[:-1].copy()
    adj = np.empty(2 * n_edges, np.int64)
    for e in range(n_edges):
        adj[fill[ea[e]]] = e
        fill[ea[e]] += 1
        adj[fill[eb[e]]] = e
        fill[eb[e]] += 1
    width = max(1, int(cap.max())) if n else 1
    mates = np.full((n, width), -1, np.int64)
    deg = np.zeros(n, np.int64)
    taken = np.zeros(n_edges, np.bool_)
    for e in chosen:
        taken[e] = True
        for m in (ea[e], eb[e]):
            mates[m, deg[m]] = e
            deg[m] += 1
    added = np.empty(n_edges, np.int64)
    n_added = 0
    change = 0.0

    for sweep in range(2):
        for u in members_in_order:
            if deg[u] > 0 or cap[u] <= 0:
                continue
            done = False
            for p in range(ptr[u], ptr[u + 1]):
                e1 = adj[p]
                v = eb[e1] if ea[e1] == u else ea[e1]
                if sweep == 0 and not ok[e1]:
                    continue
                if deg[v] < cap[v]:
                    # Room freed by an earlier path.
                    drop, e3, gain = -1, -1, es[e1]
                else:
                    drop = -1
                    e3 = -1
                    gain = 0.0
                    for slot in range(deg[v]):
                        e2 = mates[v, slot]
                        if fixed[e2]:
                            continue
                        w = eb[e2] if ea[e2] == v else ea[e2]
                        if not ok[e1] and ok[e2]:
                            continue  # v would lose a partner inside its windows
                        for r in range(ptr[w], ptr[w + 1]):
                            cand = adj[r]
                            if taken[cand]:
                                continue
                            x = eb[cand] if ea[cand] == w else ea[cand]
                            if x == u or x == v or deg[x] >= cap[x]:  # noqa: SIM109 (numba)
                                continue
                            if not ok[cand] and (ok[e2] or sweep == 0):
                                continue
                            g = es[e1] + es[cand] - es[e2]
                            if change + g < -budget:
                                continue
                            drop, e3, gain = e2, cand, g
                            break
                        if drop < 0 and deg[w] >= 2:
                            g = es[e1] - es[e2]
                            if change + g >= -budget:
                                drop, gain = e2, g
                        if drop >= 0:
                            break
                    if drop < 0:
                        continue
                if drop >= 0:
                    taken[drop] = False
                    for m in (ea[drop], eb[drop]):
                        for slot in range(deg[m]):
                            if mates[m, slot] == drop:
                                mates[m, slot] = mates[m, deg[m] - 1]
                                mates[m, deg[m] - 1] = -1
                                deg[m] -= 1
                                break
                for e in (e1, e3):
                    if e < 0:
                        continue
                    taken[e] = True
                    for m in (ea[e], eb[e]):
                        mates[m, deg[m]] = e
                        deg[m] += 1
                    added[n_added] = e
                    n_added += 1
                change += gain
                done = True
                break
            if done:
                continue
    # An edge dropped and taken again later is listed once, where it stands.
    out = np.empty(len(chosen) + n_added, np.int64)
    k = 0
    for e in chosen:
        if taken[e]:
            out[k] = e
            taken[e] = False
            k += 1
    for x in range(n_added):
        e = added[x]
        if taken[e]:
            out[k] = e
            taken[e] = False
            k += 1
    return out[:k]


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
    fixed = np.zeros(len(ea), dtype=np.bool_)
    if waited is not None and np.any(waited):
        if len(waited) != n:
            raise ValueError("waited disagrees on n")
        first = _serve_waited(
            ea, eb, cap, ok, np.asarray(waited, dtype=np.bool_), in_order
        )
        fixed[first] = True
    else:
        first = np.zeros(0, dtype=np.int64)
    chosen = _greedy(ea, eb, cap, bool(fair_first_pass), ok, first)
    if augment and len(chosen):
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
