"""The parallel top-k scan of the scoring core (matching.scoring): one numba
kernel, kept whole since numba compiles it as one loop nest. The method is
described in matching.scoring's docstring."""

import numpy as np
from numba import njit, prange

from .goals import FULL, UNTIED, goal_units, shares_rare_tag
from .scoring_kernels import (
    _block_max,
    _bonus,
    _bound_block,
    _is_excluded,
    _popcount,
    _score_block,
)

# Columns per bound check and scan block: small, so that the bound of most blocks
# falls below the k-th score.
_SCAN_BLOCK = 64


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
