"""Synthetic populations for the matching benchmarks (bench/), with this distribution:

* 1,000 tags; the tag of popularity rank t (1-based) is held by a share
  0.15 * t**-0.45 of members (top tag ~15%).
* Each member holds max(3, Poisson(12)) distinct tags drawn without replacement
  proportional to that share. Drawing with replacement and skipping repeats is
  exactly successive weighted sampling without replacement, which vectorises:
  a batch of draws per row, then the first distinct ones are kept.
* 20 goal kinds; seeks and offers each min(5, 1 + Poisson(0.5)) distinct kinds,
  never the same kind in both (first kinds of a random permutation are sought, the
  next ones offered).
* 40 specialties, uniform; 20% of members prefer other specialties; priority is a
  random permutation of 0..n-1 (waiting order).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matching.scoring import Population

N_TAGS = 1000
N_GOAL_KINDS = 20
N_SPECIALTIES = 40
PREFERS_OTHER_SHARE = 0.2
_ROWS_PER_CHUNK = 65536


def tag_shares(n_tags: int = N_TAGS) -> np.ndarray:
    return 0.15 * np.arange(1, n_tags + 1, dtype=np.float64) ** -0.45


@njit(cache=True)
def _first_distinct(draws, want, out, out_ptr, n_tags):  # type: ignore[no-untyped-def]  # numba kernel
    """Per row, the first want[r] distinct values of draws[r]; -1 if too few."""
    seen = np.zeros(n_tags, np.bool_)
    short = np.zeros(len(want), np.bool_)
    for r in range(draws.shape[0]):
        got = 0
        base = out_ptr[r]
        for x in range(draws.shape[1]):
            t = draws[r, x]
            if not seen[t]:
                seen[t] = True
                out[base + got] = t
                got += 1
                if got == want[r]:
                    break
        for x in range(got):
            seen[out[base + x]] = False
        if got < want[r]:
            short[r] = True
        out[base : base + got].sort()
    return short


def synthetic_population(n: int, *, seed: int) -> Population:
    rng = np.random.default_rng(seed)
    shares = tag_shares()
    cdf = np.cumsum(shares / shares.sum())
    cdf[-1] = 1.0

    n_tags_per = np.maximum(3, rng.poisson(12, size=n)).astype(np.int64)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(n_tags_per, out=indptr[1:])
    indices = np.empty(indptr[-1], np.int32)
    for lo in range(0, n, _ROWS_PER_CHUNK):
        hi = min(n, lo + _ROWS_PER_CHUNK)
        want = n_tags_per[lo:hi]
        # Repeats are rare (top tag ~1.2% per draw), so a dozen spare draws almost
        # always suffice; the few short rows are redrawn below.
        width = int(want.max()) + 12
        u = rng.random((hi - lo, width))
        draws = np.searchsorted(cdf, u, side="right").astype(np.int32)
        np.minimum(draws, N_TAGS - 1, out=draws)
        short = _first_distinct(draws, want, indices, indptr[lo:hi], N_TAGS)
        for r in np.flatnonzero(short):
            row = lo + int(r)
            picked = rng.choice(
                N_TAGS, size=int(want[r]), replace=False, p=shares / shares.sum()
            )
            indices[indptr[row] : indptr[row + 1]] = np.sort(picked)

    seeks = np.zeros(n, np.uint64)
    offers = np.zeros(n, np.uint64)
    n_seek = np.minimum(5, 1 + rng.poisson(0.5, size=n))
    n_offer = np.minimum(5, 1 + rng.poisson(0.5, size=n))
    cols = np.arange(N_GOAL_KINDS)
    for lo in range(0, n, _ROWS_PER_CHUNK):
        hi = min(n, lo + _ROWS_PER_CHUNK)
        perm = np.argsort(rng.random((hi - lo, N_GOAL_KINDS)), axis=1)
        bits = np.left_shift(np.uint64(1), perm.astype(np.uint64))
        s_cnt = n_seek[lo:hi, None]
        o_cnt = n_offer[lo:hi, None]
        # Distinct bits, so a sum is the bitwise or.
        seeks[lo:hi] = np.where(cols < s_cnt, bits, np.uint64(0)).sum(
            axis=1, dtype=np.uint64
        )
        offers[lo:hi] = np.where(
            (cols >= s_cnt) & (cols < s_cnt + o_cnt), bits, np.uint64(0)
        ).sum(axis=1, dtype=np.uint64)

    specialty = rng.integers(0, N_SPECIALTIES, size=n, dtype=np.int32)
    prefers_other = rng.random(n) < PREFERS_OTHER_SHARE
    priority = rng.permutation(n).astype(np.int64)
    return Population(
        tag_indptr=indptr,
        tag_indices=indices,
        n_tags=N_TAGS,
        seeks=seeks,
        offers=offers,
        specialty=specialty,
        prefers_other=prefers_other,
        priority=priority,
    )
