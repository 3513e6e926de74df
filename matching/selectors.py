"""Reads for the matching engine: who is eligible, and the arrays the core scores.

Everything here moves data in bulk: each array comes from one `COPY (SELECT
array_agg(...)) TO STDOUT (FORMAT BINARY)`. PostgreSQL sends one COPY message per
row, and a Python round trip per message costs more than the data (see
docs/history.md), so the rows are folded into a few arrays server-side
and numpy reads their fixed-width elements in place: loading a million members
costs a few seconds rather than millions of Python objects.
"""

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from introductions.models import Introduction
from profiles.models import Interest, MemberGoal, Profile
from profiles.taxonomy import UNDECIDED_SLUG

from .goals import TIED_ELSEWHERE, Goals
from .models import LeftOut, Round, WeightVersion

# PostgreSQL binary COPY: 11-byte signature, int32 flags, int32 extension length.
_COPY_HEADER = 19
_BINARY_TYPES = {
    "int8": ">i8",
    "int4": ">i4",
    "float8": ">f8",
    "bool": "?",
}

# A cadence is a whole number of weekly rounds, so that each member has a phase.
CADENCE_WEEKS = {
    Profile.Frequency.WEEKLY: 1,
    Profile.Frequency.BIWEEKLY: 2,
    Profile.Frequency.MONTHLY: 4,
}
_WEEK_SECONDS = 7 * 24 * 3600


def _read_array(raw: memoryview, pos: int, kind: str) -> tuple[np.ndarray, int]:
    """One binary int/float/bool array field at `pos`; returns it and the next pos."""
    (length,) = struct.unpack_from(">i", raw, pos)
    pos += 4
    if length < 0:  # NULL: array_agg over no rows
        return np.zeros(0, dtype=_BINARY_TYPES[kind].lstrip(">")), pos
    end = pos + length
    ndim, _has_null, _oid = struct.unpack_from(">iii", raw, pos)
    if ndim == 0:
        return np.zeros(0, dtype=_BINARY_TYPES[kind].lstrip(">")), end
    (count, _lbound) = struct.unpack_from(">ii", raw, pos + 12)
    element = np.dtype([("len", ">i4"), ("value", _BINARY_TYPES[kind])])
    items = np.frombuffer(raw, dtype=element, count=count, offset=pos + 20)
    return items["value"], end


def copy_out(
    sql: str,
    params: Sequence[object] | Mapping[str, object],
    columns: list[tuple[str, str]],
    *,
    chunk_by: str | None = None,
) -> dict[str, np.ndarray]:
    """Run `sql` and return one numpy array per column, in no particular row order.

    Every column must be NOT NULL and of a fixed-width type named in `columns`
    (cast it in the SELECT). The rows are aggregated into one array per column and
    per `chunk_by` value (an expression over the columns, e.g. `member_id >> 12`,
    to keep each array well under PostgreSQL's 1 GB limit on a value); all the
    arrays of one chunk list the same rows in the same order.
    """
    aggregates = ", ".join(f"array_agg(q.{name})" for name, _ in columns)
    group = f" GROUP BY {chunk_by}" if chunk_by else ""
    # sql and chunk_by are this package's constants; values travel as params.
    select = f"SELECT {aggregates} FROM ({sql}) AS q{group}"  # noqa: S608
    statement = f"COPY ({select}) TO STDOUT (FORMAT BINARY)"
    chunks: list[bytes] = []
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for data in copy:
            chunks.append(bytes(data))
    raw = memoryview(b"".join(chunks))
    parts: dict[str, list[np.ndarray]] = {name: [] for name, _ in columns}
    pos = _COPY_HEADER
    while pos + 2 <= len(raw):
        (n_fields,) = struct.unpack_from(">h", raw, pos)
        pos += 2
        if n_fields < 0:  # trailer
            break
        for name, kind in columns:
            values, pos = _read_array(raw, pos, kind)
            parts[name].append(values)
    return {
        name: (
            np.concatenate(parts[name]).astype(_BINARY_TYPES[kind].lstrip(">"))
            if parts[name]
            else np.zeros(0, dtype=_BINARY_TYPES[kind].lstrip(">"))
        )
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
        WHERE state = ANY(%(open_states)s) OR (
            state = %(declined)s AND closed_notice_at IS NULL
            AND a_response <> %(response_declined)s
        )
        UNION ALL
        SELECT member_b_id FROM introductions_introduction
        WHERE state = ANY(%(open_states)s) OR (
            state = %(declined)s AND closed_notice_at IS NULL
            AND b_response <> %(response_declined)s
        )
    ) AS o
    GROUP BY member_id
),
interest_counts AS (
    SELECT mi.profile_id, count(*) AS n
    FROM profiles_memberinterest mi
    JOIN profiles_interest i ON i.id = mi.interest_id AND i.status = %(active)s
    GROUP BY mi.profile_id
)
SELECT
    p.id::int8 AS id,
    (CASE WHEN s.slug IS NULL OR s.slug = %(undecided)s THEN -1
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
CROSS JOIN LATERAL (
    SELECT CASE p.intro_frequency
        WHEN %(weekly)s THEN %(weekly_weeks)s
        WHEN %(biweekly)s THEN %(biweekly_weeks)s
        ELSE %(monthly_weeks)s END::int AS weeks
) AS c
WHERE p.intro_frequency <> %(paused)s
  AND (p.paused_until IS NULL OR p.paused_until <= %(today)s)
  AND coalesce(oi.n, 0) < p.max_open_intros
  AND EXISTS (
      SELECT 1 FROM account_emailaddress e WHERE e.user_id = p.user_id AND e.verified
  )
  -- An address that bounced or complained gets no email, so no offer either.
  AND NOT EXISTS (
      SELECT 1 FROM profiles_suppressedaddress sa WHERE sa.email = lower(u.email)
  )
  AND (
      p.last_intro_at IS NULL
      OR (
          p.last_intro_at <= %(now)s - make_interval(weeks => c.weeks) + %(grace)s
          AND mod(p.id, c.weeks) = mod(%(week)s, c.weeks)
      )
      OR p.last_intro_at <= %(now)s - make_interval(weeks => 2 * c.weeks) + %(grace)s
      OR p.id = ANY(%(waiting)s::int8[])
  )
"""


def round_week(now: datetime) -> int:
    """The number of the week a round at `now` belongs to, for cadence phases.

    Weeks of the Unix epoch, which begin on Thursdays at 00:00 UTC: far from the
    scheduled round (MATCHING_ROUND_CRONTAB, Tuesdays by default), so that a round
    starting a little early or late stays in its week.
    """
    return int(now.timestamp() // _WEEK_SECONDS)


def members_eligible(*, now: datetime | None = None) -> EligibleMembers:
    """Members a round may introduce now.

    Eligible: active user with a verified, deliverable (not suppressed) email
    address, at least MIN_INTERESTS
    active interests, not paused (by frequency or date), fewer open introductions
    than they allow (an intro the other side declined counts as open until its
    deadline, as it looks to them: a free place sooner would tell them), and due.
    Due: their cadence (1, 2 or 4 weeks) has passed since their last introduction,
    less MATCHING_DUE_GRACE_HOURS because rounds run on a schedule and one may
    start a little early, and this round falls in their
    phase: the round's week number and their id agree modulo the cadence. The
    phase spreads members of one cadence evenly over the weeks, so that every
    round's pool is a cross-section of the community rather than the leftovers of
    the round before. A member introduced off their phase (say, after changing
    cadence) waits for the first round of their phase once due. Members never
    introduced, or idle for two cadences (back from a pause), are due in any round:
    they have waited long enough. So are members the latest real round left out
    with a candidate (WAITING_REASONS): being left out is a promise of the next
    round, whatever their phase.
    """
    now = now or timezone.now()
    params = {
        "open_states": list(Introduction.OPEN_STATES),
        "declined": Introduction.State.DECLINED,
        "response_declined": Introduction.Response.DECLINED,
        "active": Interest.Status.ACTIVE,
        "paused": Profile.Frequency.PAUSED,
        "undecided": UNDECIDED_SLUG,
        "min_interests": settings.MIN_INTERESTS,
        "today": timezone.localdate(now),
        "now": now,
        "weekly": Profile.Frequency.WEEKLY,
        "biweekly": Profile.Frequency.BIWEEKLY,
        "weekly_weeks": CADENCE_WEEKS[Profile.Frequency.WEEKLY],
        "biweekly_weeks": CADENCE_WEEKS[Profile.Frequency.BIWEEKLY],
        "monthly_weeks": CADENCE_WEEKS[Profile.Frequency.MONTHLY],
        "week": round_week(now),
        "grace": timedelta(hours=settings.MATCHING_DUE_GRACE_HOURS),
        "waiting": members_left_out_last_round(waiting_only=True).tolist(),
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
    order = np.argsort(cols["id"], kind="stable")
    return EligibleMembers(
        ids=cols["id"][order],
        specialty_ids=cols["specialty_id"][order],
        prefers_other=cols["prefers_other"][order],
        last_intro_epoch=cols["last_intro_epoch"][order],
        room=cols["room"][order],
    )


def rows_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row index of each of `wanted` in the sorted `ids`, or -1 when absent."""
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(ids, wanted)
    pos_clipped = np.minimum(pos, len(ids) - 1)
    found = ids[pos_clipped] == wanted
    return np.where(found, pos_clipped, -1).astype(np.int64)


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


# Left out for want of a free partner, not of a reason to meet: these members
# were promised the next round (see matching.pairing).
WAITING_REASONS = (LeftOut.Reason.ODD_ONE_OUT, LeftOut.Reason.CAPACITY)


def members_left_out_last_round(*, waiting_only: bool = False) -> np.ndarray:
    """Profile ids left out of the latest finished real round, sorted.

    ``waiting_only``: only those left out with a candidate (WAITING_REASONS).
    """
    last = _last_real_round_id()
    if last is None:
        return np.zeros(0, dtype=np.int64)
    reasons = list(WAITING_REASONS) if waiting_only else list(LeftOut.Reason.values)
    ids = copy_out(
        "SELECT member_id::int8 AS member_id FROM matching_leftout"
        " WHERE round_id = %s AND reason = ANY(%s)",
        [last, reasons],
        [("member_id", "int8")],
    )["member_id"]
    return np.sort(ids)


def _last_real_round_id() -> int | None:
    return (
        Round.objects.filter(status=Round.Status.DONE, dry_run=False)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def member_left_out_last_round(*, member: Profile) -> str | None:
    """Why the latest finished real round gave this member no pair, if it did not."""
    last = _last_real_round_id()
    if last is None:
        return None
    return (
        LeftOut.objects.filter(round_id=last, member=member)
        .values_list("reason", flat=True)
        .first()
    )


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


def members_gone(ids: np.ndarray) -> set[int]:
    """Those of `ids` whose profile was deleted or whose account is suspended."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.id FROM unnest(%s::int8[]) AS t(id)
            WHERE NOT EXISTS (
                SELECT 1 FROM profiles_profile p
                JOIN profiles_user u ON u.id = p.user_id
                WHERE p.id = t.id AND u.is_active
            )
            """,
            [ids.tolist()],
        )
        return {row[0] for row in cursor.fetchall()}


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
        -- A deleted member leaves NULL: nobody left to pair with.
        WHERE member_a_id IS NOT NULL AND member_b_id IS NOT NULL
          AND (%(since)s::timestamptz IS NULL OR created_at >= %(since)s
               OR state = %(declined)s OR a_response = %(response_declined)s
               OR b_response = %(response_declined)s)
        UNION ALL
        SELECT blocker_id::int8, blocked_id::int8 FROM profiles_block
        """,
        {
            "since": since,
            "declined": Introduction.State.DECLINED,
            "response_declined": Introduction.Response.DECLINED,
        },
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
    SELECT member_a_id AS profile_id, offered_at, state, expires_at,
           a_response AS response
    FROM introductions_introduction
    WHERE offered_at IS NOT NULL AND member_a_id IS NOT NULL
    UNION ALL
    SELECT member_b_id, offered_at, state, expires_at, b_response
    FROM introductions_introduction
    WHERE offered_at IS NOT NULL AND member_b_id IS NOT NULL
),
decided AS (
    -- An answer counts whatever became of the offer. An offer closed without this
    -- member's answer counts as ignored once its deadline passed: expired, or
    -- declined by the partner (to this member that looks open until the deadline).
    -- Open offers and withdrawn ones (taken back by Grapevyne) are left out.
    SELECT profile_id, offered_at, response <> '' AS answered
    FROM sides
    WHERE response <> ''
       OR state = %(expired)s
       OR (state = %(declined)s AND (expires_at IS NULL OR expires_at <= %(now)s))
),
last_pause AS (
    SELECT profile_id, max(created_at) AS at FROM matching_autopause
    GROUP BY profile_id
),
ranked AS (
    SELECT d.profile_id, d.answered,
           row_number() OVER (
               PARTITION BY d.profile_id ORDER BY d.offered_at DESC
           ) AS rn
    FROM decided d
    LEFT JOIN last_pause lp ON lp.profile_id = d.profile_id
    WHERE lp.at IS NULL OR d.offered_at > lp.at
)
SELECT r.profile_id
FROM ranked r
JOIN profiles_profile p ON p.id = r.profile_id AND p.intro_frequency <> %(paused)s
WHERE r.rn <= %(n)s
GROUP BY r.profile_id
HAVING count(*) = %(n)s AND NOT bool_or(r.answered)
ORDER BY r.profile_id
"""


def members_to_auto_pause(*, now: datetime | None = None) -> list[int]:
    """Members who ignored each of their last MATCHING_AUTO_PAUSE_AFTER decided offers.

    Ignored: the offer closed (expired, or its deadline passed after the partner
    declined) without this member's answer. Still-open offers neither count nor
    save a member, so a weekly round never sees the newest offer as a reason to
    wait; one answer among the last N keeps an engaged member unpaused. Only offers
    made since the member was last paused this way count.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _AUTO_PAUSE_SQL,
            {
                "n": settings.MATCHING_AUTO_PAUSE_AFTER,
                "now": now,
                "expired": Introduction.State.EXPIRED,
                "declined": Introduction.State.DECLINED,
                "paused": Profile.Frequency.PAUSED,
            },
        )
        return [row[0] for row in cursor.fetchall()]


def round_unfinished_id() -> int | None:
    """The real round not yet done or failed, if any (round_create allows one)."""
    return (
        Round.objects.filter(dry_run=False)
        .exclude(status__in=Round.FINISHED_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def weight_version_active() -> WeightVersion | None:
    """The weight version rounds score with; None: the settings' weights."""
    return WeightVersion.objects.filter(status=WeightVersion.Status.ACTIVE).first()
