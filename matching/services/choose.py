"""A round's choice of pairs from its shortlists, and what it knows of them.

Pure: arrays in, arrays and figures out, nothing read or written, so the choice
can be computed and tested apart from the writes that follow it (`finish.py`).
Rows are the snapshot's.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from introductions.components import ScoreComponents

from ..components import pair_components
from ..models import LeftOut
from ..pairing import pair_round
from ..scoring import Weights
from ..snapshot import Snapshot


@dataclass(frozen=True)
class RoundChoice:
    """The pairs a round chose and what it knows of them before writing."""

    pairs: np.ndarray  # (pairs, 2) snapshot rows
    scores: list[float]  # each pair's
    components: list[ScoreComponents]  # each pair's
    left_out: dict[int, str]  # snapshot row → LeftOut.Reason, for members with room
    members_with_candidate: int
    pairs_outside_windows: int


def round_pairs(
    parameters: dict[str, Any], snapshot: Snapshot, cand: np.ndarray, score: np.ndarray
) -> np.ndarray:
    """The pairs greedy b-matching chooses from the shortlists `cand`/`score`,
    within the round's `parameters` (its exposure cap and augmenting loss)."""
    return pair_round(
        cand,
        score,
        capacity=snapshot.capacity,
        exposure_cap=parameters["exposure_cap"],
        priority=snapshot.priority,
        windows=snapshot.windows,
        max_loss=parameters.get("augment_max_loss", 0.0),
        waited=snapshot.waited_rows,
    )


def round_choice(
    parameters: dict[str, Any],
    snapshot: Snapshot,
    cand: np.ndarray,
    score: np.ndarray,
    pairs: np.ndarray,
) -> RoundChoice:
    """What the round knows of its chosen `pairs` before writing them."""
    components = pair_components(
        snapshot.population,
        pairs,
        Weights(**parameters["weights"]),
        windows=snapshot.windows,
    )
    return RoundChoice(
        pairs=pairs,
        scores=chosen_pair_scores(cand, score, pairs),
        components=components,
        left_out=left_out_reasons(
            cand, pairs, snapshot.capacity, parameters["exposure_cap"]
        ),
        members_with_candidate=members_with_candidate(cand, snapshot.capacity),
        # The components checked each pair's call windows already.
        pairs_outside_windows=sum(c.windows_overlap is False for c in components),
    )


def chosen_pair_scores(
    cand: np.ndarray, score: np.ndarray, pairs: np.ndarray
) -> list[float]:
    """The score of each chosen pair, found in either member's candidate list."""
    if len(pairs) == 0:
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    in_i = cand[i] == j[:, None]
    in_j = cand[j] == i[:, None]
    from_i = score[i, in_i.argmax(axis=1)]
    from_j = score[j, in_j.argmax(axis=1)]
    found_i = in_i.any(axis=1)
    scores: list[float] = np.where(
        found_i, from_i, np.where(in_j.any(axis=1), from_j, 0.0)
    ).tolist()
    return scores


def members_with_candidate(cand: np.ndarray, capacity: np.ndarray) -> int:
    """Members with room this round and at least one candidate, either way."""
    rows, cols = np.nonzero(cand >= 0)
    has_edge = np.zeros(len(capacity), dtype=bool)
    has_edge[rows] = True
    has_edge[cand[rows, cols]] = True
    return int((has_edge & (capacity > 0)).sum())


def left_out_reasons(
    cand: np.ndarray, pairs: np.ndarray, capacity: np.ndarray, exposure_cap: int
) -> dict[int, str]:
    """Why each member with room this round got no pair (snapshot row → reason).

    No candidate: nobody scored above the threshold with them. Odd one out: every
    one of their candidates was paired up to their limit with someone else.
    Capacity: a candidate still had room but the round's limits (the exposure
    cap) kept them apart.
    """
    n = len(capacity)
    got = np.bincount(pairs.ravel(), minlength=n) if len(pairs) else np.zeros(n, int)
    full = got >= np.minimum(capacity, exposure_cap)
    rows, cols = np.nonzero(cand >= 0)
    partners = cand[rows, cols]
    open_partner = np.zeros(n, dtype=bool)
    np.logical_or.at(open_partner, rows, ~full[partners])
    np.logical_or.at(open_partner, partners, ~full[rows])
    has_edge = np.zeros(n, dtype=bool)
    has_edge[rows] = True
    has_edge[partners] = True
    reasons: dict[int, str] = {}
    for row in np.flatnonzero((got == 0) & (capacity > 0)).tolist():
        if not has_edge[row]:
            reasons[row] = LeftOut.Reason.NO_CANDIDATE
        elif open_partner[row]:
            reasons[row] = LeftOut.Reason.CAPACITY
        else:
            reasons[row] = LeftOut.Reason.ODD_ONE_OUT
    return reasons
