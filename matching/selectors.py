"""Reads for the matching engine: who is eligible, and the arrays the core scores.

Everything here moves data in bulk: each array comes from one `COPY (SELECT ...) TO
STDOUT (FORMAT BINARY)` whose fixed-width rows numpy reads in place, so loading a
million members costs a few seconds rather than a million Python objects.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from introductions.models import Introduction
from profiles.models import Profile

# PostgreSQL binary COPY: 11-byte signature, int32 flags, int32 extension length.
_COPY_HEADER = 19
_COPY_TRAILER = 2
_BINARY_TYPES = {
    "int8": ">i8",
    "int4": ">i4",
    "float8": ">f8",
    "bool": "?",
}

_FREQUENCY_DAYS = {
    Profile.Frequency.WEEKLY: 7,
    Profile.Frequency.BIWEEKLY: 14,
    Profile.Frequency.MONTHLY: 30,
}


def copy_out(sql: str, params: list | tuple, columns: list[tuple[str, str]]) -> dict:
    """Run `sql` through binary COPY and return one numpy array per column.

    Every column must be NOT NULL and of a fixed-width type named in `columns`
    (cast it in the SELECT), which makes every row the same length.
    """
    fields: list[tuple[str, str]] = [("_n", ">i2")]
    for name, kind in columns:
        fields += [(f"_len_{name}", ">i4"), (name, _BINARY_TYPES[kind])]
    dtype = np.dtype(fields)
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        statement = f"COPY ({sql}) TO STDOUT (FORMAT BINARY)"
        with cursor.cursor.copy(statement, params) as copy:
            for data in copy:
                chunks.append(bytes(data))
    raw = b"".join(chunks)
    body = memoryview(raw)[_COPY_HEADER : len(raw) - _COPY_TRAILER]
    rows = np.frombuffer(body, dtype=dtype)
    return {
        name: rows[name].astype(_BINARY_TYPES[kind].lstrip(">"))
        for name, kind in columns
    }


@dataclass
class EligibleMembers:
    """Eligible members as parallel arrays, sorted by profile id."""

    ids: np.ndarray  # int64
    specialty_ids: np.ndarray  # int64, -1 = none or undecided
    prefers_other: np.ndarray  # bool
    last_intro_epoch: np.ndarray  # float64, -inf = never introduced
    room: np.ndarray  # int32: open intros they may still receive

    def __len__(self) -> int:
        return len(self.ids)


_ELIGIBLE_SQL = """
WITH open_intros AS (
    SELECT member_id, count(*) AS n FROM (
        SELECT member_a_id AS member_id FROM introductions_introduction
        WHERE state = ANY(%(open_states)s)
        UNION ALL
        SELECT member_b_id FROM introductions_introduction
        WHERE state = ANY(%(open_states)s)
    ) AS o
    GROUP BY member_id
),
interest_counts AS (
    SELECT mi.profile_id, count(*) AS n
    FROM profiles_memberinterest mi
    JOIN profiles_interest i ON i.id = mi.interest_id AND i.status = 'active'
    GROUP BY mi.profile_id
)
SELECT
    p.id::int8 AS id,
    (CASE WHEN s.slug IS NULL OR s.slug = 'undecided' THEN -1
          ELSE s.id END)::int8 AS specialty_id,
    p.prefer_other_specialties AS prefers_other,
    coalesce(extract(epoch FROM p.last_intro_at), '-infinity')::float8
        AS last_intro_epoch,
    (p.max_open_intros - coalesce(oi.n, 0))::int4 AS room
FROM profiles_profile p
JOIN profiles_user u ON u.id = p.user_id AND u.is_active
JOIN interest_counts ic ON ic.profile_id = p.id AND ic.n >= %(min_interests)s
LEFT JOIN profiles_specialty s ON s.id = p.specialty_id
LEFT JOIN open_intros oi ON oi.member_id = p.id
WHERE p.intro_frequency <> 'paused'
  AND (p.paused_until IS NULL OR p.paused_until <= %(today)s)
  AND coalesce(oi.n, 0) < p.max_open_intros
  AND EXISTS (
      SELECT 1 FROM account_emailaddress e WHERE e.user_id = p.user_id AND e.verified
  )
  AND (
      p.last_intro_at IS NULL
      OR p.last_intro_at <= %(now)s - make_interval(days => CASE p.intro_frequency
          WHEN 'weekly' THEN %(weekly)s
          WHEN 'biweekly' THEN %(biweekly)s
          ELSE %(monthly)s END) + %(grace)s
  )
ORDER BY p.id
"""


def members_eligible(*, now: datetime | None = None) -> EligibleMembers:
    """Members a round may introduce now.

    Eligible: active user with a verified email address, at least MIN_INTERESTS
    active interests, not paused (by frequency or date), fewer open introductions
    than they allow, and due: their last introduction is at least their frequency
    old (less a grace period, so that a round that starts a little early still
    serves the members of the previous one).
    """
    now = now or timezone.now()
    params = {
        "open_states": list(Introduction.OPEN_STATES),
        "min_interests": settings.MIN_INTERESTS,
        "today": timezone.localdate(now),
        "now": now,
        "weekly": _FREQUENCY_DAYS[Profile.Frequency.WEEKLY],
        "biweekly": _FREQUENCY_DAYS[Profile.Frequency.BIWEEKLY],
        "monthly": _FREQUENCY_DAYS[Profile.Frequency.MONTHLY],
        "grace": timedelta(hours=settings.MATCHING_DUE_GRACE_HOURS),
    }
    cols = copy_out(
        _ELIGIBLE_SQL,
        params,
        [
            ("id", "int8"),
            ("specialty_id", "int8"),
            ("prefers_other", "bool"),
            ("last_intro_epoch", "float8"),
            ("room", "int4"),
        ],
    )
    return EligibleMembers(
        ids=cols["id"],
        specialty_ids=cols["specialty_id"],
        prefers_other=cols["prefers_other"],
        last_intro_epoch=cols["last_intro_epoch"],
        room=cols["room"],
    )


def rows_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row index of each of `wanted` in the sorted `ids`, or -1 when absent."""
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(ids, wanted)
    pos_clipped = np.minimum(pos, len(ids) - 1)
    found = ids[pos_clipped] == wanted
    return np.where(found, pos_clipped, -1).astype(np.int64)


def member_tags(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR of the members' active interests, sensitive ones included.

    Returns (indptr int64 (n+1,), indices int32 (nnz,), tag_ids int64 (n_tags,))
    where indices are positions in tag_ids.
    """
    cols = copy_out(
        """
        SELECT mi.profile_id::int8 AS profile_id, mi.interest_id::int8 AS interest_id
        FROM profiles_memberinterest mi
        JOIN profiles_interest i ON i.id = mi.interest_id AND i.status = 'active'
        """,
        [],
        [("profile_id", "int8"), ("interest_id", "int8")],
    )
    rows = rows_of(ids, cols["profile_id"])
    keep = rows >= 0
    rows, interest_ids = rows[keep], cols["interest_id"][keep]
    tag_ids, tag_index = np.unique(interest_ids, return_inverse=True)
    order = np.lexsort((tag_index, rows))
    rows, tag_index = rows[order], tag_index[order]
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(ids)), out=indptr[1:])
    return indptr, tag_index.astype(np.int32), tag_ids.astype(np.int64)


def member_goals(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeks and offers as uint64 bit masks, bit g = goal_kind_ids[g].

    Only the first 64 active goal kinds (by id) fit in a mask; the taxonomy has
    about twenty.
    """
    kinds = copy_out(
        "SELECT id::int8 AS id FROM profiles_goalkind WHERE is_active ORDER BY id",
        [],
        [("id", "int8")],
    )["id"][:64]
    cols = copy_out(
        """
        SELECT g.profile_id::int8 AS profile_id, g.kind_id::int8 AS kind_id,
               (g.direction = 'seek') AS seeks
        FROM profiles_membergoal g
        JOIN profiles_goalkind k ON k.id = g.kind_id AND k.is_active
        """,
        [],
        [("profile_id", "int8"), ("kind_id", "int8"), ("seeks", "bool")],
    )
    rows = rows_of(ids, cols["profile_id"])
    bits = rows_of(kinds, cols["kind_id"])
    keep = (rows >= 0) & (bits >= 0)
    rows, bits, seeks = rows[keep], bits[keep], cols["seeks"][keep]
    masks = np.left_shift(np.uint64(1), bits.astype(np.uint64))
    seek_masks = np.zeros(len(ids), dtype=np.uint64)
    offer_masks = np.zeros(len(ids), dtype=np.uint64)
    np.bitwise_or.at(seek_masks, rows[seeks], masks[seeks])
    np.bitwise_or.at(offer_masks, rows[~seeks], masks[~seeks])
    return seek_masks, offer_masks, kinds


def members_left_out_last_round() -> np.ndarray:
    """Profile ids left out of the latest finished real round, sorted."""
    from .models import LeftOut, Round

    last = (
        Round.objects.filter(status=Round.Status.DONE, dry_run=False)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if last is None:
        return np.zeros(0, dtype=np.int64)
    ids = LeftOut.objects.filter(round=last).values_list("member_id", flat=True)
    return np.sort(np.fromiter(ids, dtype=np.int64))


def member_priority(members: EligibleMembers, left_out: np.ndarray) -> np.ndarray:
    """Rank of each member in the fairness order: lower goes first.

    Members left out last round first, then whoever waited longest since their last
    intro (never introduced before anyone), then the older account (lower id).
    """
    was_left_out = rows_of(left_out, members.ids) >= 0
    order = np.lexsort((members.ids, members.last_intro_epoch, ~was_left_out))
    priority = np.empty(len(members), dtype=np.int64)
    priority[order] = np.arange(len(members), dtype=np.int64)
    return priority


def excluded_pairs(ids: np.ndarray, *, now: datetime | None = None) -> np.ndarray:
    """Pairs never to propose, as sorted int64 keys min(i, j) * n + max(i, j).

    A pair introduced before (whatever came of it) within MATCHING_REINTRO_DAYS,
    or ever when that is unset; a pair where either declined the other, ever; a
    pair where either blocked the other.
    """
    now = now or timezone.now()
    days = settings.MATCHING_REINTRO_DAYS
    since = now - timedelta(days=days) if days is not None else None
    cols = copy_out(
        """
        SELECT member_a_id::int8 AS a, member_b_id::int8 AS b
        FROM introductions_introduction
        WHERE %(since)s::timestamptz IS NULL OR created_at >= %(since)s
           OR state = 'declined' OR a_response = 'declined'
           OR b_response = 'declined'
        UNION ALL
        SELECT blocker_id::int8, blocked_id::int8 FROM profiles_block
        """,
        {"since": since},
        [("a", "int8"), ("b", "int8")],
    )
    n = len(ids)
    ra, rb = rows_of(ids, cols["a"]), rows_of(ids, cols["b"])
    keep = (ra >= 0) & (rb >= 0) & (ra != rb)
    lo = np.minimum(ra[keep], rb[keep])
    hi = np.maximum(ra[keep], rb[keep])
    return np.unique(lo * n + hi).astype(np.int64)


_AUTO_PAUSE_SQL = """
WITH sides AS (
    SELECT member_a_id AS profile_id, offered_at, state, a_response AS response
    FROM introductions_introduction WHERE offered_at IS NOT NULL
    UNION ALL
    SELECT member_b_id, offered_at, state, b_response
    FROM introductions_introduction WHERE offered_at IS NOT NULL
),
last_pause AS (
    SELECT profile_id, max(created_at) AS at FROM matching_autopause
    GROUP BY profile_id
),
ranked AS (
    SELECT s.profile_id, s.state, s.response,
           row_number() OVER (
               PARTITION BY s.profile_id ORDER BY s.offered_at DESC
           ) AS rn
    FROM sides s
    LEFT JOIN last_pause lp ON lp.profile_id = s.profile_id
    WHERE lp.at IS NULL OR s.offered_at > lp.at
)
SELECT r.profile_id
FROM ranked r
JOIN profiles_profile p ON p.id = r.profile_id AND p.intro_frequency <> 'paused'
WHERE r.rn <= %(n)s
GROUP BY r.profile_id
HAVING count(*) = %(n)s AND bool_and(r.state = 'expired' AND r.response = '')
ORDER BY r.profile_id
"""


def members_to_auto_pause() -> list[int]:
    """Members whose last MATCHING_AUTO_PAUSE_AFTER offers all expired unanswered
    by them, counting only offers made since they were last paused this way."""
    with connection.cursor() as cursor:
        cursor.execute(_AUTO_PAUSE_SQL, {"n": settings.MATCHING_AUTO_PAUSE_AFTER})
        return [row[0] for row in cursor.fetchall()]
