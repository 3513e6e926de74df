"""What the scoring core reads of the eligible members, as arrays: their tags,
goals, call windows, and the tags' categories."""

from dataclasses import dataclass
from datetime import time

import numpy as np
from django.db import connection

from profiles.models import Interest, MemberGoal, Profile

from ..goals import TIED_ELSEWHERE, Goals
from .pgcopy import copy_out, rows_of


@dataclass
class MemberTags:
    """CSR of the pool's tags, and how widely each is held in the whole membership."""

    indptr: np.ndarray  # int64 (n+1,)
    indices: np.ndarray  # int32 (nnz,) positions in tag_ids
    tag_ids: np.ndarray  # int64 (n_tags,)
    # Members holding tag t among every member, not only this round's pool: the
    # floor's "widely held" is a fact about the community, and a pool cut by
    # cadences would call a tag 30 of 60 members hold rare.
    holders: np.ndarray  # int64 (n_tags,)
    members_total: int


def member_tags(ids: np.ndarray) -> MemberTags:
    """The members' active interests, sensitive ones included."""
    cols = copy_out(
        """
        SELECT mi.profile_id::int8 AS profile_id, mi.interest_id::int8 AS interest_id
        FROM profiles_memberinterest mi
        JOIN profiles_interest i ON i.id = mi.interest_id AND i.status = %s
        """,
        [Interest.Status.ACTIVE],
        [("profile_id", "int8"), ("interest_id", "int8")],
        chunk_by="profile_id >> 14",
    )
    rows = rows_of(ids, cols["profile_id"])
    keep = rows >= 0
    all_interest_ids = cols["interest_id"]
    rows, interest_ids = rows[keep], all_interest_ids[keep]
    tag_ids, tag_index = np.unique(interest_ids, return_inverse=True)
    order = np.lexsort((tag_index, rows))
    rows, tag_index = rows[order], tag_index[order]
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(ids)), out=indptr[1:])
    held_ids, held_counts = np.unique(all_interest_ids, return_counts=True)
    holders = held_counts[np.searchsorted(held_ids, tag_ids)].astype(np.int64)
    return MemberTags(
        indptr=indptr,
        indices=tag_index.astype(np.int32),
        tag_ids=tag_ids.astype(np.int64),
        holders=holders,
        members_total=Profile.objects.count(),
    )


@dataclass
class MemberGoals:
    """Goal kinds as bit masks (bit g = kind_ids[g]) and every goal with its topic."""

    seeks: np.ndarray  # uint64 (n,)
    offers: np.ndarray  # uint64 (n,)
    kind_ids: np.ndarray  # int64 GoalKind id of bit g
    goals: Goals  # tag = index in the tag_ids given, -1 untied, TIED_ELSEWHERE


def member_goals(ids: np.ndarray, tag_ids: np.ndarray) -> MemberGoals:
    """The members' active goals, each with the interest it is about.

    Only the first 64 active goal kinds (by id) fit in a mask; the taxonomy has
    about twenty. A goal about an interest outside ``tag_ids`` (retired, or held
    by nobody eligible) is about a topic nobody else in the round can match.
    """
    kinds = np.sort(
        copy_out(
            "SELECT id::int8 AS id FROM profiles_goalkind WHERE is_active",
            [],
            [("id", "int8")],
        )["id"]
    )[:64]
    cols = copy_out(
        """
        SELECT g.profile_id::int8 AS profile_id, g.kind_id::int8 AS kind_id,
               (g.direction = %s) AS seeks,
               coalesce(g.interest_id, -1)::int8 AS interest_id
        FROM profiles_membergoal g
        JOIN profiles_goalkind k ON k.id = g.kind_id AND k.is_active
        """,
        [MemberGoal.Direction.SEEK],
        [
            ("profile_id", "int8"),
            ("kind_id", "int8"),
            ("seeks", "bool"),
            ("interest_id", "int8"),
        ],
        chunk_by="profile_id >> 16",
    )
    rows = rows_of(ids, cols["profile_id"])
    bits = rows_of(kinds, cols["kind_id"])
    keep = (rows >= 0) & (bits >= 0)
    rows, bits, seeks = rows[keep], bits[keep], cols["seeks"][keep]
    interest_ids = cols["interest_id"][keep]
    tags = rows_of(tag_ids, interest_ids)
    tags = np.where(interest_ids < 0, -1, np.where(tags < 0, TIED_ELSEWHERE, tags))
    masks = np.left_shift(np.uint64(1), bits.astype(np.uint64))
    seek_masks = np.zeros(len(ids), dtype=np.uint64)
    offer_masks = np.zeros(len(ids), dtype=np.uint64)
    np.bitwise_or.at(seek_masks, rows[seeks], masks[seeks])
    np.bitwise_or.at(offer_masks, rows[~seeks], masks[~seeks])
    order = np.lexsort((tags, ~seeks, bits, rows))
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(ids)), out=indptr[1:])
    return MemberGoals(
        seeks=seek_masks,
        offers=offer_masks,
        kind_ids=kinds,
        goals=Goals(
            indptr=indptr,
            kind=bits[order].astype(np.int32),
            seeks=seeks[order],
            tag=tags[order].astype(np.int32),
        ),
    )


@dataclass
class MemberWindows:
    """Distinct (time zone, weekly windows), and each member's among them."""

    windows: list[tuple[str, tuple[tuple[int, time, time], ...]]]
    member_set: np.ndarray  # int32 (n,) index in windows
    minutes: np.ndarray  # int16 (n,) preferred meeting length


_WINDOWS_SQL = """
SELECT p.time_zone,
       coalesce(
           (SELECT array_agg(array[w.weekday::text, w.start::text, w."end"::text]
                             ORDER BY w.weekday, w.start, w."end")
            FROM profiles_callwindow w WHERE w.profile_id = p.id),
           '{}'
       ) AS windows,
       array_agg(p.id ORDER BY p.id)
FROM profiles_profile p
WHERE p.id = ANY(%s::int8[])
GROUP BY 1, 2
"""


def member_windows(ids: np.ndarray) -> MemberWindows:
    """Each member's time zone and call windows, grouped server-side so that only
    the distinct ones cross the wire, and their meeting lengths."""
    member_set = np.zeros(len(ids), dtype=np.int32)
    windows: list[tuple[str, tuple[tuple[int, time, time], ...]]] = []
    with connection.cursor() as cursor:
        cursor.execute(_WINDOWS_SQL, [ids.tolist()])
        for zone, rows, members in cursor.fetchall():
            parsed = tuple(
                (int(day), time.fromisoformat(lo), time.fromisoformat(hi))
                for day, lo, hi in rows
            )
            member_set[rows_of(ids, np.array(members, dtype=np.int64))] = len(windows)
            windows.append((zone, parsed))
    cols = copy_out(
        "SELECT id::int8 AS id, meeting_minutes::int4 AS minutes"
        " FROM profiles_profile WHERE id = ANY(%s::int8[])",
        [ids.tolist()],
        [("id", "int8"), ("minutes", "int4")],
    )
    minutes = np.full(len(ids), 20, dtype=np.int16)
    at = rows_of(ids, cols["id"])
    minutes[at[at >= 0]] = cols["minutes"][at >= 0]
    return MemberWindows(windows=windows, member_set=member_set, minutes=minutes)


def tag_categories(tag_ids: np.ndarray) -> np.ndarray:
    """Per tag index, a small integer naming its category (equal = same one)."""
    cols = copy_out(
        "SELECT id::int8 AS id, category_id::int8 AS category_id"
        " FROM profiles_interest",
        [],
        [("id", "int8"), ("category_id", "int8")],
    )
    at = rows_of(tag_ids, cols["id"])
    category = np.full(len(tag_ids), -1, dtype=np.int64)
    category[at[at >= 0]] = cols["category_id"][at >= 0]
    _, small = np.unique(category, return_inverse=True)
    return np.where(category >= 0, small, -1).astype(np.int32)
