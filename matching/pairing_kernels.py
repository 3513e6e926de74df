"""The numba kernels of greedy b-matching (matching.pairing): pass 0 for the
members who waited, the greedy passes, and the augmenting paths that serve the
members the greedy left out. The method is described in matching.pairing."""

import numpy as np
from numba import njit


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
