"""Who a round may introduce now, and in which order of fairness."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from introductions.models import Introduction
from profiles.models import Interest, Profile
from profiles.taxonomy_data import UNDECIDED_SLUG

from .history import members_left_out_last_round
from .pgcopy import copy_out, rows_of

# A cadence is a whole number of weekly rounds, so that each member has a phase.
CADENCE_WEEKS = {
    Profile.Frequency.WEEKLY: 1,
    Profile.Frequency.BIWEEKLY: 2,
    Profile.Frequency.MONTHLY: 4,
}
_WEEK_SECONDS = 7 * 24 * 3600


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
