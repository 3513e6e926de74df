"""Reads of the rounds' history: who was left out last time, which pairs must not
meet again, who ignores their offers, the unfinished round, the active weights."""

from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from introductions.models import Introduction
from profiles.models import Profile

from ..models import LeftOut, Round, WeightVersion
from .pgcopy import copy_out, rows_of

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
