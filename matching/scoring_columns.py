"""The columns of the scoring core's scan (matching.scoring_scan) in the order it
visits them, with what it reads of each: posting lists, goal masks, the masks'
union per block."""

from dataclasses import dataclass

import numpy as np

from .scoring_kernels import _block_masks, _postings
from .scoring_scan import _SCAN_BLOCK

_Four = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Columns:
    """The columns' data in scan order (``order[c]`` is the member in column c)."""

    order: np.ndarray
    col_of: np.ndarray
    tptr: np.ndarray
    pmem: np.ndarray
    pw: np.ndarray
    seeks: np.ndarray
    offers: np.ndarray
    seeks_t: np.ndarray
    offers_t: np.ndarray
    seeks32: np.ndarray
    offers32: np.ndarray
    seeks_t32: np.ndarray
    offers_t32: np.ndarray
    wide: bool
    blk_seeks: np.ndarray
    blk_offers: np.ndarray
    blk_seeks_t: np.ndarray
    blk_offers_t: np.ndarray

    def postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (self.tptr, self.pmem, self.pw)

    def kind_masks(self) -> _Four:
        """The kinds each column seeks and offers, narrow (32-bit) then wide."""
        return (self.seeks32, self.offers32, self.seeks, self.offers)

    def tied_masks(self) -> _Four:
        """The kinds each column seeks and offers about a topic, likewise."""
        return (self.seeks_t32, self.offers_t32, self.seeks_t, self.offers_t)

    def block_masks(self) -> _Four:
        """The union of the kind masks per scan block, then of the tied ones."""
        return (self.blk_seeks, self.blk_offers, self.blk_seeks_t, self.blk_offers_t)


def scan_columns(
    seeks: np.ndarray,
    offers: np.ndarray,
    seeks_t: np.ndarray,
    offers_t: np.ndarray,
    postings: tuple[np.ndarray, np.ndarray, np.ndarray, int],
    *,
    sort_columns: bool,
) -> Columns:
    """The columns' data in scan order; ``postings`` is (indptr, indices, the
    per-entry weights, n_tags) of the members' tags."""
    n = len(seeks)
    indptr, indices, w, n_tags = postings
    seeks = np.ascontiguousarray(seeks, dtype=np.uint64)
    offers = np.ascontiguousarray(offers, dtype=np.uint64)
    order = _column_order(seeks, offers) if sort_columns else np.arange(n)
    order = order.astype(np.int64)
    col_of = np.empty(n, np.int64)
    col_of[order] = np.arange(n, dtype=np.int64)
    tptr, pmem, pw = _postings(indptr, indices, w, n_tags, order)
    seeks = seeks[order]
    offers = offers[order]
    seeks_t = seeks_t[order]
    offers_t = offers_t[order]
    blk_seeks, blk_offers = _block_masks(seeks, offers, _SCAN_BLOCK)
    blk_seeks_t, blk_offers_t = _block_masks(seeks_t, offers_t, _SCAN_BLOCK)
    return Columns(
        order=order,
        col_of=col_of,
        tptr=tptr,
        pmem=pmem,
        pw=pw,
        seeks=seeks,
        offers=offers,
        seeks_t=seeks_t,
        offers_t=offers_t,
        # Narrow masks when they fit: 32-bit lanes vectorise twice as wide.
        seeks32=seeks.astype(np.uint32),
        offers32=offers.astype(np.uint32),
        seeks_t32=seeks_t.astype(np.uint32),
        offers_t32=offers_t.astype(np.uint32),
        wide=bool(n) and int((seeks | offers).max()) >= 1 << 32,
        blk_seeks=blk_seeks,
        blk_offers=blk_offers,
        blk_seeks_t=blk_seeks_t,
        blk_offers_t=blk_offers_t,
    )


def _column_order(seeks: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Scan order of the columns: members with the same goal kinds side by side.

    A block of such columns has a small union of goal masks, hence a tight bound
    on the goal term, and most blocks can be skipped (see matching.scoring_scan).
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
