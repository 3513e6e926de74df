"""Why a chosen pair should meet, as an introductions.explanations.Explanation.

Computed only for the pairs a round chose (a few per member), from the same snapshot
the core scored, so an explanation can never cite something the score did not use.
It records facts, not sentences: introductions/reasons.py words them for each reader
and re-checks them against the members' data whenever they are shown.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from introductions.explanations import Explanation, GoalMatch
from profiles.models import GoalKind, Interest, MemberGoal

from .selectors import copy_out, rows_of
from .snapshot import Snapshot


def _bits(mask: int) -> list[int]:
    return [b for b in range(64) if mask >> b & 1]


UNTIED = -1  # as the query below spells it


def _topic_key(row: int, bit: int, seeks: bool) -> int:
    return (row * 64 + bit) * 2 + int(seeks)


def _goal_topics(snapshot: Snapshot, pairs: np.ndarray) -> dict[int, list[int]]:
    """_topic_key(row, kind bit, seeks) -> ids of the interests such goals are about,
    UNTIED for a goal about no interest in particular.

    Only goals that meet a complementary kind of a partner in `pairs` are kept: at
    100,000 members that is a small share of all goals, and one dict entry per goal
    of every member was the round's memory peak.
    """
    cols = copy_out(
        """
        SELECT profile_id::int8 AS profile_id, kind_id::int8 AS kind_id,
               (direction = %s) AS seeks,
               COALESCE(interest_id, -1)::int8 AS interest_id
        FROM profiles_membergoal
        """,
        [MemberGoal.Direction.SEEK],
        [
            ("profile_id", "int8"),
            ("kind_id", "int8"),
            ("seeks", "bool"),
            ("interest_id", "int8"),
        ],
    )
    member_rows = rows_of(snapshot.ids, cols["profile_id"])
    bits = rows_of(snapshot.goal_kind_ids, cols["kind_id"])
    # Per member, the kind bits it seeks that a partner offers, and the reverse.
    seeks, offers = snapshot.seeks.astype(np.uint64), snapshot.offers.astype(np.uint64)
    i, j = pairs[:, 0], pairs[:, 1]
    i_seeks, j_seeks = seeks[i] & offers[j], seeks[j] & offers[i]
    sought = np.zeros(len(snapshot), dtype=np.uint64)
    offered = np.zeros(len(snapshot), dtype=np.uint64)
    np.bitwise_or.at(sought, i, i_seeks)
    np.bitwise_or.at(sought, j, j_seeks)
    np.bitwise_or.at(offered, j, i_seeks)
    np.bitwise_or.at(offered, i, j_seeks)
    keep = (member_rows >= 0) & (bits >= 0)
    rows, bits = member_rows[keep], bits[keep]
    goal_seeks, interest_ids = cols["seeks"][keep], cols["interest_id"][keep]
    complementary = np.where(goal_seeks, sought[rows], offered[rows])
    met = (complementary >> bits.astype(np.uint64)) & np.uint64(1) != 0
    tied: dict[int, list[int]] = defaultdict(list)
    for key, interest_id in zip(
        ((rows[met] * 64 + bits[met]) * 2 + goal_seeks[met]).tolist(),
        interest_ids[met].tolist(),
        strict=True,
    ):
        tied[key].append(interest_id)
    return tied


def shared_tags(snapshot: Snapshot, pairs: np.ndarray) -> tuple[np.ndarray, ...]:
    """The tags each pair shares, rarest first, for all pairs at once.

    Returns (pair int64, tag int64) sorted by pair, then by document frequency
    ascending (the tags that weighed most come first), then by tag index.
    """
    indptr, indices = snapshot.tag_indptr, snapshot.tag_indices
    n_tags = max(1, len(snapshot.tag_ids))
    keys = []
    for side in (pairs[:, 0], pairs[:, 1]):
        start = indptr[side]
        lens = indptr[side + 1] - start
        pair = np.repeat(np.arange(len(pairs), dtype=np.int64), lens)
        ends = np.cumsum(lens)
        offsets = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
        offsets += np.repeat(start - (ends - lens), lens)
        keys.append(pair * n_tags + indices[offsets])
    # Tags are distinct within a member, so a key seen twice is a shared tag.
    both = np.sort(np.concatenate(keys))
    dup = both[1:][both[1:] == both[:-1]]
    pair, tag = dup // n_tags, dup % n_tags
    df = np.bincount(indices, minlength=n_tags)
    order = np.lexsort((tag, df[tag], pair))
    return pair[order], tag[order]


def explanations_for(snapshot: Snapshot, pairs: np.ndarray) -> list[Explanation]:
    """One explanation per pair of snapshot rows (i, j).

    Shared public interests come rarest first (the ones that weighed most); shared
    sensitive interests are kept apart, to be revealed only once both accepted.
    A complementary goal (one seeks a kind the other offers) is kept when both
    goals are tied to the same interest (named as its topic) or when at least one
    side is untied; two goals tied to different interests are no common ground
    and are left out.

    A few queries whatever the number of pairs: names are loaded once, shared tags
    are found for all pairs in one vectorised pass, and only the assembling of the
    records is a Python loop.
    """
    if len(pairs) == 0:
        return []
    pairs = np.asarray(pairs, dtype=np.int64)
    tied = _goal_topics(snapshot, pairs)
    facts = _facts(snapshot, tied)
    pair_of, tags = shared_tags(snapshot, pairs)
    bounds = np.searchsorted(pair_of, np.arange(len(pairs) + 1)).tolist()
    tag_list: list[int] = tags.tolist()
    result: list[Explanation] = []
    for p, (i, j) in enumerate(pairs.tolist()):
        public, sensitive = facts.interests_named(tag_list[bounds[p] : bounds[p + 1]])
        result.append(
            Explanation(
                shared_interests=tuple(public),
                shared_sensitive_interests=tuple(sensitive),
                goals=(*facts.goals(i, j, tied), *facts.goals(j, i, tied)),
                cross_specialty=bool(
                    facts.specialty[i] >= 0
                    and facts.specialty[j] >= 0
                    and facts.specialty[i] != facts.specialty[j]
                ),
            )
        )
    return result


@dataclass
class _Facts:
    """What the explanations name, per snapshot row and tag index, read once."""

    ids: list[int]
    seeks: list[int]
    offers: list[int]
    specialty: list[int]
    goal_kind_ids: list[int]
    interests: dict[int, str]
    kind_names: dict[int, str]
    # Per tag index: its name, or None when it vanished; and whether it is sensitive.
    tag_names: list[str | None]
    tag_sensitive: list[bool]
    bits_of: dict[int, list[int]] = field(default_factory=dict)

    def interests_named(self, shared: list[int]) -> tuple[list[str], list[str]]:
        """The names of the shared tags that still exist: (public, sensitive)."""
        public: list[str] = []
        sensitive: list[str] = []
        for t in shared:
            tag_name = self.tag_names[t]
            if tag_name is not None:
                (sensitive if self.tag_sensitive[t] else public).append(tag_name)
        return public, sensitive

    def goals(
        self, seeker: int, offerer: int, tied: dict[int, list[int]]
    ) -> list[GoalMatch]:
        """The kinds `seeker` seeks and `offerer` offers, on a common topic or
        with at least one side about nothing in particular."""
        mask = self.seeks[seeker] & self.offers[offerer]
        if not mask:
            return []
        if mask not in self.bits_of:
            self.bits_of[mask] = _bits(mask)
        goals: list[GoalMatch] = []
        for bit in self.bits_of[mask]:
            kind = self.kind_names.get(self.goal_kind_ids[bit])
            sought = set(tied.get(_topic_key(seeker, bit, True), ()))
            offered = set(tied.get(_topic_key(offerer, bit, False), ()))
            if kind is None or not sought or not offered:
                continue
            common = [
                self.interests[t]
                for t in sorted(sought & offered)
                if t != UNTIED and t in self.interests
            ]
            if not common and UNTIED not in sought | offered:
                continue
            goals.append(
                GoalMatch(
                    seeker_id=self.ids[seeker],
                    offerer_id=self.ids[offerer],
                    kind=kind,
                    topic=min(common) if common else None,
                )
            )
        return goals


def _facts(snapshot: Snapshot, tied: dict[int, list[int]]) -> _Facts:
    """The names of the snapshot's tags, the goals' topics and kinds, in two queries."""
    topic_ids = {t for topics in tied.values() for t in topics} - {UNTIED}
    interests: dict[int, str] = {}
    sensitive_ids: set[int] = set()
    for pk, name, is_sensitive in Interest.objects.filter(
        pk__in=set(snapshot.tag_ids.tolist()) | topic_ids
    ).values_list("pk", "name", "sensitive"):
        interests[pk] = name
        if is_sensitive:
            sensitive_ids.add(pk)
    kind_names = dict(
        GoalKind.objects.filter(pk__in=snapshot.goal_kind_ids.tolist()).values_list(
            "pk", "name"
        )
    )
    tag_ids = snapshot.tag_ids.tolist()
    return _Facts(
        ids=snapshot.ids.tolist(),
        seeks=snapshot.seeks.tolist(),
        offers=snapshot.offers.tolist(),
        specialty=snapshot.specialty.tolist(),
        goal_kind_ids=snapshot.goal_kind_ids.tolist(),
        interests=interests,
        kind_names=kind_names,
        tag_names=[interests.get(t) for t in tag_ids],
        tag_sensitive=[t in sensitive_ids for t in tag_ids],
    )
