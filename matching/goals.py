"""Goals on topic and the floor: the exact checks behind the scoring core's bounds.

A member's goals are a CSR list of (kind bit, seeks?, tag) where tag is the
index of the interest the goal is about, -1 when it is about nothing in
particular, and ``TIED_ELSEWHERE`` when it is about an interest outside the
round's tags (so it matches nothing). One seek/offer of the same kind
complements, in quarter units (exact in float32):

* ``FULL`` (4) when both are about the same tag;
* ``UNTIED`` (2) when either side is about nothing in particular;
* ``SAME_CATEGORY`` (1) when the two tags differ but share a category;
* 0 when they are about different topics.

A kind counts once, with the best of its seek/offer combinations in either
direction, and a pair's goal units are the sum of its best ``cap`` kinds.

Kind bitmasks give a cheap upper bound: a kind that is complementary by the
masks is worth exactly ``UNTIED`` unless both sides hold a tied goal of it in
the same direction (the ``*_tied`` masks), when it is worth at most ``FULL``;
only those kinds need the exact check here.

The floor (``qualifies``): a pair has a reason to talk when one kind is worth
at least ``UNTIED`` (a complement on topic, or about anything), or when they
share a tag that is not widely held (``rare`` below).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

FULL = 4
UNTIED = 2
SAME_CATEGORY = 1
TIED_ELSEWHERE = -2


@dataclass
class Goals:
    indptr: np.ndarray  # int64 (n+1,) member -> goals
    kind: np.ndarray  # int32 (g,) kind bit
    seeks: np.ndarray  # bool (g,) seeks (else offers)
    tag: np.ndarray  # int32 (g,) tag index, -1 untied, TIED_ELSEWHERE

    @classmethod
    def untied(cls, seeks: np.ndarray, offers: np.ndarray) -> Goals:
        """One goal about nothing in particular per kind bit of the masks."""
        n = len(seeks)
        rows, kinds, seek = [], [], []
        for direction, masks in ((True, seeks), (False, offers)):
            for bit in range(64):
                has = np.flatnonzero((masks >> np.uint64(bit)) & np.uint64(1))
                rows.append(has)
                kinds.append(np.full(len(has), bit, np.int32))
                seek.append(np.full(len(has), direction))
        row = np.concatenate(rows)
        order = np.argsort(row, kind="stable")
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
        return cls(
            indptr=indptr,
            kind=np.concatenate(kinds)[order],
            seeks=np.concatenate(seek)[order],
            tag=np.full(len(row), -1, np.int32),
        )

    def tied_masks(self) -> tuple[np.ndarray, np.ndarray]:
        """Kinds each member seeks, and offers, with at least one goal on a topic."""
        n = len(self.indptr) - 1
        row = np.repeat(np.arange(n), np.diff(self.indptr))
        bit = np.left_shift(np.uint64(1), self.kind.astype(np.uint64))
        tied = self.tag != -1
        seeks = np.zeros(n, np.uint64)
        offers = np.zeros(n, np.uint64)
        np.bitwise_or.at(seeks, row[tied & self.seeks], bit[tied & self.seeks])
        np.bitwise_or.at(offers, row[tied & ~self.seeks], bit[tied & ~self.seeks])
        return seeks, offers


def common_threshold(n: int, share: float, min_members: int) -> int:
    """Members holding a tag from which it is widely held (no reason by itself)."""
    return max(int(min_members), int(np.ceil(share * n)))


@njit(cache=True)
def _rare_filter(indptr, indices, rare):  # type: ignore[no-untyped-def]  # numba kernel
    n = len(indptr) - 1
    bloom = np.zeros(n, np.uint64)
    for i in range(n):
        b = np.uint64(0)
        for p in range(indptr[i], indptr[i + 1]):
            t = indices[p]
            if rare[t]:
                b |= np.uint64(1) << np.uint64(t % 64)
        bloom[i] = b
    return bloom


def rare_tags(
    indptr: np.ndarray, indices: np.ndarray, df: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Which tags are held by fewer than ``threshold`` members (bool per tag), and
    per member a 64-bit filter of its rare tags (bit tag % 64) that rules most
    pairs out at once: two members share no rare tag if their filters do not
    meet. Built from the members' own tag lists, in one pass over them."""
    rare = np.asarray(df) < threshold
    bloom = _rare_filter(
        np.ascontiguousarray(indptr, dtype=np.int64),
        np.ascontiguousarray(indices, dtype=np.int32),
        rare,
    )
    return rare, bloom


@njit(cache=True, inline="always")
def shares_rare_tag(i, j, indptr, indices, rare, bloom):  # type: ignore[no-untyped-def]  # numba kernel
    if bloom[i] & bloom[j] == 0:
        return False
    # Rarely reached (the filter rules most pairs out) and over a dozen tags
    # each: a plain search beats keeping sorted per-member lists.
    for p in range(indptr[i], indptr[i + 1]):
        t = indices[p]
        if rare[t]:
            for q in range(indptr[j], indptr[j + 1]):
                if indices[q] == t:
                    return True
    return False


@njit(cache=True, inline="always")
def _direction_units(s, o, bit, gptr, gkind, gseek, gtag, tag_cat):  # type: ignore[no-untyped-def]  # numba kernel
    """Best units of kind ``bit`` sought by member s and offered by member o."""
    best = 0
    for g in range(gptr[s], gptr[s + 1]):
        if gkind[g] != bit or not gseek[g]:
            continue
        tg = gtag[g]
        for h in range(gptr[o], gptr[o + 1]):
            if gkind[h] != bit or gseek[h]:
                continue
            th = gtag[h]
            if tg == -1 or th == -1:
                v = UNTIED
            elif tg == th and tg >= 0:
                v = FULL
            elif (
                tg >= 0 and th >= 0 and tag_cat[tg] >= 0 and tag_cat[tg] == tag_cat[th]
            ):
                v = SAME_CATEGORY
            else:
                v = 0
            if v > best:
                best = v
                if best == FULL:
                    return best
    return best


@njit(cache=True)
def goal_units(i, j, seeks, offers, cap, gptr, gkind, gseek, gtag, tag_cat):  # type: ignore[no-untyped-def]  # numba kernel
    """Exact goal units of (i, j), and whether one kind is worth >= UNTIED.

    ``seeks``/``offers`` are the members' kind masks (indexed by member).
    """
    cross = (seeks[i] & offers[j]) | (seeks[j] & offers[i])
    vals = np.zeros(3, np.int64)  # how many kinds are worth FULL, UNTIED, 1
    qualifies = False
    bit = 0
    while cross:
        if cross & np.uint64(1):
            m = np.uint64(1) << np.uint64(bit)
            best = 0
            if seeks[i] & offers[j] & m:
                best = _direction_units(i, j, bit, gptr, gkind, gseek, gtag, tag_cat)
            if best < FULL and seeks[j] & offers[i] & m:
                best = max(
                    best,
                    _direction_units(j, i, bit, gptr, gkind, gseek, gtag, tag_cat),
                )
            if best == FULL:
                vals[0] += 1
            elif best == UNTIED:
                vals[1] += 1
            elif best == SAME_CATEGORY:
                vals[2] += 1
            if best >= UNTIED:
                qualifies = True
        cross >>= np.uint64(1)
        bit += 1
    full = min(vals[0], cap)
    untied = min(vals[1], cap - full)
    category = min(vals[2], cap - full - untied)
    return FULL * full + UNTIED * untied + SAME_CATEGORY * category, qualifies
