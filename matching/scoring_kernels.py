"""The small numba kernels of the scoring core (matching.scoring): per-member tag
weights, posting lists, block masks, the excluded pairs per row, and the exact
score and the upper bound of one block of columns. The scan that drives them is
matching.scoring_scan."""

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from .goals import FULL, UNTIED


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
