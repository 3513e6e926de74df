"""Why a chosen pair should meet, in words a member would believe.

Computed only for the pairs a round chose (a few per member), from the same snapshot
the core scored, so an explanation can never cite something the score did not use.
"""

from collections import defaultdict

import numpy as np

from profiles.models import GoalKind, Interest

from .selectors import copy_out, rows_of
from .snapshot import Snapshot


def _bits(mask: int) -> list[int]:
    return [b for b in range(64) if mask >> b & 1]


def _tied_interests(snapshot: Snapshot, rows: np.ndarray) -> dict:
    """(row, kind bit, seeks) -> ids of the interests such goals are about."""
    cols = copy_out(
        """
        SELECT profile_id::int8 AS profile_id, kind_id::int8 AS kind_id,
               (direction = 'seek') AS seeks, interest_id::int8 AS interest_id
        FROM profiles_membergoal WHERE interest_id IS NOT NULL
        """,
        [],
        [
            ("profile_id", "int8"),
            ("kind_id", "int8"),
            ("seeks", "bool"),
            ("interest_id", "int8"),
        ],
    )
    member_rows = rows_of(snapshot.ids, cols["profile_id"])
    bits = rows_of(snapshot.goal_kind_ids, cols["kind_id"])
    wanted = np.zeros(len(snapshot), dtype=bool)
    wanted[rows] = True
    keep = (member_rows >= 0) & (bits >= 0)
    keep[keep] &= wanted[member_rows[keep]]
    tied: dict = defaultdict(list)
    for row, bit, seeks, interest_id in zip(
        member_rows[keep].tolist(),
        bits[keep].tolist(),
        cols["seeks"][keep].tolist(),
        cols["interest_id"][keep].tolist(),
        strict=True,
    ):
        tied[row, bit, seeks].append(interest_id)
    return tied


def explanations_for(snapshot: Snapshot, pairs: np.ndarray) -> list[dict]:
    """One explanation per pair of snapshot rows (i, j).

    Shared public interests come rarest first (the ones that weighed most); shared
    sensitive interests are kept under their own key, to be revealed only once both
    accepted; each complementary goal names who seeks, who offers, the goal kind
    and, when either side tied it to an interest, that interest.
    """
    if len(pairs) == 0:
        return []
    indptr, indices = snapshot.tag_indptr, snapshot.tag_indices
    df = np.bincount(indices, minlength=len(snapshot.tag_ids))
    interests = {
        i.pk: i
        for i in Interest.objects.filter(pk__in=snapshot.tag_ids.tolist()).only(
            "name", "sensitive"
        )
    }
    kind_names = dict(
        GoalKind.objects.filter(pk__in=snapshot.goal_kind_ids.tolist()).values_list(
            "pk", "name"
        )
    )
    tied = _tied_interests(snapshot, np.unique(pairs))
    ids = snapshot.ids.tolist()
    tag_ids = snapshot.tag_ids.tolist()
    seeks = snapshot.seeks.tolist()
    offers = snapshot.offers.tolist()
    specialty = snapshot.specialty.tolist()
    goal_kind_ids = snapshot.goal_kind_ids.tolist()

    def name_if_public(interest_id: int) -> str | None:
        interest = interests.get(interest_id)
        if interest is None or interest.sensitive:
            return None
        return interest.name

    result = []
    for i, j in pairs.tolist():
        shared_tags = np.intersect1d(
            indices[indptr[i] : indptr[i + 1]],
            indices[indptr[j] : indptr[j + 1]],
            assume_unique=True,
        )
        shared_tags = shared_tags[np.argsort(df[shared_tags], kind="stable")]
        shared_ids = [tag_ids[t] for t in shared_tags.tolist()]
        public, sensitive = [], []
        for interest_id in shared_ids:
            interest = interests.get(interest_id)
            if interest is None:
                continue
            (sensitive if interest.sensitive else public).append(interest.name)
        shared_set = set(shared_ids)

        goals = []
        for seeker, offerer in ((i, j), (j, i)):
            for bit in _bits(seeks[seeker] & offers[offerer]):
                about = tied.get((seeker, bit, True), []) + tied.get(
                    (offerer, bit, False), []
                )
                # An interest both share says more than one only the goal names.
                about.sort(key=lambda pk: pk not in shared_set)
                named = [n for n in map(name_if_public, about) if n]
                goals.append(
                    {
                        "seeker": ids[seeker],
                        "offerer": ids[offerer],
                        "kind": kind_names.get(goal_kind_ids[bit], ""),
                        "interest": named[0] if named else None,
                    }
                )
        result.append(
            {
                "shared_interests": public,
                "shared_sensitive_interests": sensitive,
                "goals": goals,
                "cross_specialty": bool(
                    specialty[i] >= 0
                    and specialty[j] >= 0
                    and specialty[i] != specialty[j]
                ),
            }
        )
    return result
