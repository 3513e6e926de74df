"""A round's population, frozen: the arrays the core scores plus what maps them back.

Saved once per round (RoundSnapshot) so that every block task, on any machine and
however late it is retried, scores exactly the same members.
"""

import io
from dataclasses import dataclass, field, fields

import numpy as np

from .goals import Goals
from .scoring import Population
from .windows import WindowSets


@dataclass
class Snapshot:
    ids: np.ndarray  # int64 (n,) profile id of row i, ascending
    tag_indptr: np.ndarray
    tag_indices: np.ndarray
    tag_ids: np.ndarray  # int64 (n_tags,) Interest id of tag index t
    seeks: np.ndarray
    offers: np.ndarray
    goal_kind_ids: np.ndarray  # int64 GoalKind id of bit g
    specialty: np.ndarray
    prefers_other: np.ndarray
    priority: np.ndarray
    capacity: np.ndarray  # int32 new intros member i may get this round
    excluded: np.ndarray  # sorted int64 keys min(i, j) * n + max(i, j)
    # Goals with their topics (matching.goals.Goals as CSR); empty in snapshots
    # from before topics counted, which then match on kinds alone.
    goal_indptr: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    goal_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    goal_seeks: np.ndarray = field(default_factory=lambda: np.zeros(0, np.bool_))
    goal_tag: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # Call windows (matching.windows.WindowSets); empty in older snapshots.
    window_sets: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 3, 1), np.uint64)
    )
    window_member: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    window_length: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    tag_category: np.ndarray = field(
        default_factory=lambda: np.zeros(0, np.int32)
    )  # small int per tag index, -1 none
    # bool (n,): left out last round with a candidate, served first this round
    # (matching.pairing); empty in older snapshots.
    waited: np.ndarray = field(default_factory=lambda: np.zeros(0, np.bool_))
    # Holders of tag t in the whole membership, and its size (one element); empty
    # in snapshots from before they were kept: the pool stands in.
    tag_holders: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    members_total: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def population(self) -> Population:
        return Population(
            tag_indptr=self.tag_indptr,
            tag_indices=self.tag_indices,
            n_tags=len(self.tag_ids),
            seeks=self.seeks,
            offers=self.offers,
            specialty=self.specialty,
            prefers_other=self.prefers_other,
            priority=self.priority,
            goals=self.goals,
            tag_category=self.tag_category if len(self.tag_category) else None,
            tag_holders=(
                self.tag_holders
                if len(self.tag_holders) == len(self.tag_ids)
                and len(self.members_total) == 1
                else None
            ),
            members_total=(
                int(self.members_total[0]) if len(self.members_total) == 1 else None
            ),
        )

    @property
    def windows(self) -> WindowSets | None:
        if len(self.window_member) != len(self.ids):
            return None
        return WindowSets(
            sets=self.window_sets,
            member_set=self.window_member,
            length=self.window_length,
        )

    @property
    def waited_rows(self) -> np.ndarray | None:
        """Who waited since last round, or None in a snapshot from before it."""
        return self.waited if len(self.waited) == len(self.ids) else None

    @property
    def goals(self) -> Goals | None:
        if len(self.goal_indptr) != len(self.ids) + 1:
            return None
        return Goals(
            indptr=self.goal_indptr,
            kind=self.goal_kind,
            seeks=self.goal_seeks,
            tag=self.goal_tag,
        )

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, **{f.name: getattr(self, f.name) for f in fields(self)})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> "Snapshot":
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
            return cls(
                **{f.name: arrays[f.name] for f in fields(cls) if f.name in arrays}
            )
