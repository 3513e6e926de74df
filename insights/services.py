"""The rollup: recompute the summary tables of the insights page.

Every summary row belongs to one key (a round, a week, a member) and is always
recomputed whole from the source tables for that key. An incremental run finds
the keys touched since the last run (intros and follow-up answers changed,
rounds started or finished) and recomputes only those; a full run recomputes
every key. So the two write the same rows, and a repeated run changes nothing.
The whole-population figures (sign-up cohorts, fairness, who waits longest) are
recomputed on each run from the member tables, never from the intro table.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .figures import exposure_concentration
from .models import Rollup

# A change is found by its updated_at, written when its transaction began: one
# still open when a run starts commits later with an older stamp. Looking back
# this far makes such a change dirty in the next run (recomputing twice is
# harmless).
OVERLAP = timedelta(minutes=10)
_LOCK_KEY = 0x1A5163  # pg_advisory_xact_lock: one rollup at a time.
WAITING_SHOWN = 10
# Time zones differ when their UTC offsets differ at this fixed instant, so that
# the figure does not move with daylight saving.
TZ_REFERENCE = "2026-01-15 12:00:00+00"
TRAINEE_ROLES = ["student", "resident", "fellow"]

_WEEK = "(date_trunc('week', {col} AT TIME ZONE 'UTC'))::date"


@dataclass(frozen=True)
class RollupResult:
    full: bool
    rounds: int
    weeks: int
    members: int


def _execute(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall() if cursor.description else []


# Per intro in scope: what happened to it. {scope} is a FROM/WHERE clause naming
# the intros as i. Feedback is aggregated per intro first (two members answer).
_FACTS = """
scope AS (SELECT i.* FROM introductions_introduction i {scope}),
fb AS (
  SELECT f.intro_id, bool_or(f.met = 'yes') AS met, count(f.rating) AS ratings,
         coalesce(sum(f.rating), 0) AS rating_sum
  FROM introductions_feedback f WHERE f.intro_id IN (SELECT id FROM scope)
  GROUP BY f.intro_id
),
facts AS (
  SELECT s.id, s.score, s.explanation, s.created_at, s.member_a_id, s.member_b_id,
    s.offered_at IS NOT NULL AS offered,
    s.connected_at IS NOT NULL AS connected,
    s.connected_at IS NOT NULL AND coalesce(fb.met, false) AS met,
    coalesce(fb.ratings, 0) AS ratings, coalesce(fb.rating_sum, 0) AS rating_sum,
    s.state = 'declined' AS declined,
    s.state = 'expired' AS expired,
    s.state = 'expired' AND s.a_response = '' AND s.b_response = '' AS no_answer,
    s.state = 'withdrawn' AS withdrawn,
    extract(epoch FROM s.a_responded_at - s.offered_at) AS a_secs,
    extract(epoch FROM s.b_responded_at - s.offered_at) AS b_secs
  FROM scope s LEFT JOIN fb ON fb.intro_id = s.id
)
"""

_FUNNEL_SUMS = """
  count(*) AS proposed,
  count(*) FILTER (WHERE f.offered) AS offered,
  count(*) FILTER (WHERE f.connected) AS connected,
  count(*) FILTER (WHERE f.met) AS met,
  coalesce(sum(f.ratings), 0) AS ratings,
  coalesce(sum(f.rating_sum), 0) AS rating_sum,
  count(*) FILTER (WHERE f.declined) AS declined,
  count(*) FILTER (WHERE f.expired) AS expired,
  count(*) FILTER (WHERE f.no_answer) AS no_answer,
  count(*) FILTER (WHERE f.withdrawn) AS withdrawn
"""

_FUNNEL_COLUMNS = (
    "eligible, proposed, offered, connected, met, ratings, rating_sum, declined, "
    "expired, no_answer, withdrawn, answers, median_answer_hours"
)
_FUNNEL_SELECT = """
  coalesce(agg.proposed, 0), coalesce(agg.offered, 0), coalesce(agg.connected, 0),
  coalesce(agg.met, 0), coalesce(agg.ratings, 0), coalesce(agg.rating_sum, 0),
  coalesce(agg.declined, 0), coalesce(agg.expired, 0), coalesce(agg.no_answer, 0),
  coalesce(agg.withdrawn, 0), coalesce(ans.answers, 0), ans.median_hours
"""


def _recompute_rounds(round_ids: list[int]) -> None:
    if not round_ids:
        return
    params = {"rounds": round_ids, "tz_ref": TZ_REFERENCE, "trainee": TRAINEE_ROLES}
    _execute(
        "DELETE FROM insights_roundfunnel WHERE round_id = ANY(%(rounds)s)", params
    )
    _execute(
        "DELETE FROM insights_roundbreakdown WHERE round_id = ANY(%(rounds)s)", params
    )
    scope = (
        "WHERE i.id IN (SELECT introduction_id FROM matching_roundpair "
        "WHERE round_id = ANY(%(rounds)s))"
    )
    _execute(
        f"""
        WITH {_FACTS.format(scope=scope)},
        paired AS (
          SELECT rp.round_id, f.* FROM matching_roundpair rp
          JOIN facts f ON f.id = rp.introduction_id
          WHERE rp.round_id = ANY(%(rounds)s)
        ),
        agg AS (SELECT f.round_id, {_FUNNEL_SUMS} FROM paired f GROUP BY f.round_id),
        ans AS (
          SELECT f.round_id, count(*) AS answers,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY x.secs) / 3600
                   AS median_hours
          FROM paired f, LATERAL (VALUES (f.a_secs), (f.b_secs)) x(secs)
          WHERE x.secs IS NOT NULL GROUP BY f.round_id
        ),
        lo AS (
          SELECT round_id,
            count(*) FILTER (WHERE reason = 'odd_one_out') AS odd,
            count(*) FILTER (WHERE reason = 'no_candidate') AS none,
            count(*) FILTER (WHERE reason = 'capacity') AS capacity
          FROM matching_leftout WHERE round_id = ANY(%(rounds)s) GROUP BY round_id
        )
        INSERT INTO insights_roundfunnel (
          round_id, {_FUNNEL_COLUMNS},
          left_odd_one_out, left_no_candidate, left_capacity
        )
        SELECT r.id, r.members_considered, {_FUNNEL_SELECT},
          coalesce(lo.odd, 0), coalesce(lo.none, 0), coalesce(lo.capacity, 0)
        FROM matching_round r
        LEFT JOIN agg ON agg.round_id = r.id
        LEFT JOIN ans ON ans.round_id = r.id
        LEFT JOIN lo ON lo.round_id = r.id
        WHERE r.id = ANY(%(rounds)s) AND NOT r.dry_run
        """,
        params,
    )
    _execute(
        f"""
        WITH {_FACTS.format(scope=scope)},
        paired AS (
          SELECT rp.round_id, f.*,
            pa.specialty_id AS sa, pb.specialty_id AS sb,
            nullif(pa.country, '') AS ca, nullif(pb.country, '') AS cb,
            pa.time_zone AS ta, pb.time_zone AS tb,
            nullif(pa.role, '') AS ra, nullif(pb.role, '') AS rb,
            ntile(10) OVER (PARTITION BY rp.round_id ORDER BY f.score, f.id) AS decile,
            coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(
              f.explanation -> 'shared_interests') = 'array'
              THEN f.explanation -> 'shared_interests' END), 0)
            + coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(
              f.explanation -> 'shared_sensitive_interests') = 'array'
              THEN f.explanation -> 'shared_sensitive_interests' END), 0)
              AS shared,
            coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(
              f.explanation -> 'goals') = 'array'
              THEN f.explanation -> 'goals' END), 0) AS goals
          FROM matching_roundpair rp
          JOIN matching_round r ON r.id = rp.round_id AND NOT r.dry_run
          JOIN facts f ON f.id = rp.introduction_id
          LEFT JOIN profiles_profile pa ON pa.id = f.member_a_id
          LEFT JOIN profiles_profile pb ON pb.id = f.member_b_id
          WHERE rp.round_id = ANY(%(rounds)s)
        )
        INSERT INTO insights_roundbreakdown (
          round_id, measure, key, proposed, offered, connected, met
        )
        SELECT f.round_id, m.measure, m.key, count(*),
          count(*) FILTER (WHERE f.offered), count(*) FILTER (WHERE f.connected),
          count(*) FILTER (WHERE f.met)
        FROM paired f, LATERAL (VALUES
          ('specialty', CASE WHEN f.sa IS NULL OR f.sb IS NULL THEN 'unknown'
            WHEN f.sa <> f.sb THEN 'cross' ELSE 'same' END),
          ('country', CASE WHEN f.ca IS NULL OR f.cb IS NULL THEN 'unknown'
            WHEN f.ca <> f.cb THEN 'cross' ELSE 'same' END),
          ('time_zone', CASE WHEN f.ta IS NULL OR f.tb IS NULL THEN 'unknown'
            WHEN (%(tz_ref)s::timestamptz AT TIME ZONE f.ta)
              <> (%(tz_ref)s::timestamptz AT TIME ZONE f.tb) THEN 'cross'
            ELSE 'same' END),
          ('stage', CASE WHEN f.ra IS NULL OR f.rb IS NULL THEN 'unknown'
            WHEN (f.ra = ANY(%(trainee)s)) <> (f.rb = ANY(%(trainee)s))
              THEN 'cross'
            WHEN f.ra = ANY(%(trainee)s) THEN 'trainees' ELSE 'attendings' END),
          ('roles', CASE WHEN f.ra IS NULL OR f.rb IS NULL THEN 'unknown'
            ELSE least(f.ra, f.rb) || ' + ' || greatest(f.ra, f.rb) END),
          ('decile', f.decile::text),
          ('shared_interest', CASE WHEN f.shared > 0 THEN 'yes' ELSE 'no' END),
          ('goal', CASE WHEN f.goals > 0 THEN 'yes' ELSE 'no' END),
          ('cross_specialty',
            CASE WHEN f.explanation ->> 'cross_specialty' = 'true' THEN 'yes'
            ELSE 'no' END)
        ) m(measure, key)
        GROUP BY f.round_id, m.measure, m.key
        """,
        params,
    )


def _recompute_weeks(weeks: list[date]) -> None:
    if not weeks:
        return
    params = {"weeks": weeks}
    _execute("DELETE FROM insights_weekfunnel WHERE week = ANY(%(weeks)s)", params)
    # One index range per week, rather than a condition no index can answer.
    scope = """
      JOIN unnest(%(weeks)s::date[]) w(start)
        ON i.created_at >= (w.start::timestamp AT TIME ZONE 'UTC')
       AND i.created_at < ((w.start + 7)::timestamp AT TIME ZONE 'UTC')
    """
    week_of_intro = _WEEK.format(col="f.created_at")
    _execute(
        f"""
        WITH {_FACTS.format(scope=scope)},
        agg AS (
          SELECT {week_of_intro} AS week, {_FUNNEL_SUMS}
          FROM facts f GROUP BY 1
        ),
        ans AS (
          SELECT {week_of_intro} AS week, count(*) AS answers,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY x.secs) / 3600
                   AS median_hours
          FROM facts f, LATERAL (VALUES (f.a_secs), (f.b_secs)) x(secs)
          WHERE x.secs IS NOT NULL GROUP BY 1
        ),
        el AS (
          SELECT {_WEEK.format(col="r.created_at")} AS week,
                 sum(r.members_considered) AS eligible
          FROM matching_round r WHERE NOT r.dry_run GROUP BY 1
        )
        INSERT INTO insights_weekfunnel (week, {_FUNNEL_COLUMNS})
        SELECT w.week, coalesce(el.eligible, 0), {_FUNNEL_SELECT}
        FROM unnest(%(weeks)s::date[]) w(week)
        LEFT JOIN agg ON agg.week = w.week
        LEFT JOIN ans ON ans.week = w.week
        LEFT JOIN el ON el.week = w.week
        WHERE agg.week IS NOT NULL OR el.week IS NOT NULL
        """,
        params,
    )


def _recompute_members(member_ids: list[int] | None) -> None:
    """Exposure per member: all members when member_ids is None."""
    where = "" if member_ids is None else "WHERE m = ANY(%(members)s)"
    delete = "" if member_ids is None else "WHERE profile_id = ANY(%(members)s)"
    params = {"members": member_ids}
    _execute(f"DELETE FROM insights_memberexposure {delete}", params)
    # Both halves are read along the member_a and (member_b, member_a) indexes.
    half = """
      SELECT {col} AS m, offered_at IS NOT NULL AS offered,
             connected_at IS NOT NULL AS connected
      FROM introductions_introduction WHERE {col} IS NOT NULL {filter}
    """
    filter_ = "" if member_ids is None else "AND {col} = ANY(%(members)s)"
    halves = " UNION ALL ".join(
        half.format(col=col, filter=filter_.format(col=col))
        for col in ("member_a_id", "member_b_id")
    )
    _execute(
        f"""
        INSERT INTO insights_memberexposure (profile_id, intros, offered, connected)
        SELECT m, count(*), count(*) FILTER (WHERE offered),
               count(*) FILTER (WHERE connected)
        FROM ({halves}) x {where} GROUP BY m
        """,
        params,
    )


def _recompute_cohorts() -> None:
    """Each step counts members who also passed every step before it."""
    _execute("DELETE FROM insights_signupcohort")
    _execute(
        f"""
        WITH steps AS (
          SELECT {_WEEK.format(col="p.created_at")} AS week,
            coalesce(v.verified, false) AS verified,
            coalesce(mi.n, 0) >= 3 AS interests,
            g.profile_id IS NOT NULL AS goals,
            coalesce(e.offered, 0) > 0 AS offered,
            coalesce(e.connected, 0) > 0 AS connected
          FROM profiles_profile p
          LEFT JOIN (SELECT user_id, bool_or(verified) AS verified
                     FROM account_emailaddress GROUP BY user_id) v
            ON v.user_id = p.user_id
          LEFT JOIN (SELECT profile_id, count(*) AS n
                     FROM profiles_memberinterest GROUP BY profile_id) mi
            ON mi.profile_id = p.id
          LEFT JOIN (SELECT DISTINCT profile_id FROM profiles_membergoal) g
            ON g.profile_id = p.id
          LEFT JOIN insights_memberexposure e ON e.profile_id = p.id
        )
        INSERT INTO insights_signupcohort (
          week, signed_up, verified, interests, goals, offered, connected
        )
        SELECT week, count(*),
          count(*) FILTER (WHERE verified),
          count(*) FILTER (WHERE verified AND interests),
          count(*) FILTER (WHERE verified AND interests AND goals),
          count(*) FILTER (WHERE verified AND interests AND goals AND offered),
          count(*) FILTER (
            WHERE verified AND interests AND goals AND offered AND connected)
        FROM steps GROUP BY week
        """
    )


def _recompute_waiting(today: date) -> None:
    """The members able to get an intro who have waited longest for one."""
    _execute("DELETE FROM insights_waitingmember")
    _execute(
        """
        INSERT INTO insights_waitingmember (rank, profile_id, waiting_since)
        SELECT row_number() OVER (ORDER BY since, id), id, since FROM (
          SELECT p.id, coalesce(p.last_intro_at, p.onboarded_at) AS since
          FROM profiles_profile p JOIN profiles_user u ON u.id = p.user_id
          WHERE u.is_active AND p.onboarded_at IS NOT NULL
            AND p.intro_frequency <> 'paused'
            AND (p.paused_until IS NULL OR p.paused_until <= %(today)s)
          ORDER BY since, p.id LIMIT %(limit)s
        ) t
        """,
        {"today": today, "limit": WAITING_SHOWN},
    )


def _fairness(state: Rollup) -> None:
    histogram = _execute(
        """
        SELECT coalesce(e.intros, 0), count(*)
        FROM profiles_profile p
        LEFT JOIN insights_memberexposure e ON e.profile_id = p.id
        WHERE p.onboarded_at IS NOT NULL OR e.intros > 0
        GROUP BY 1
        """
    )
    state.gini, state.top_members, state.top_share = exposure_concentration(histogram)
    state.members = sum(count for _, count in histogram)
    state.member_intros = sum(value * count for value, count in histogram)


def _dirty_since(since: datetime) -> tuple[list[int], list[date], list[int]]:
    """Rounds, weeks and members whose figures may have changed since then."""
    changed = _execute(
        f"""
        SELECT i.id, i.member_a_id, i.member_b_id, {_WEEK.format(col="i.created_at")}
        FROM introductions_introduction i WHERE i.updated_at >= %(since)s
        UNION
        SELECT i.id, i.member_a_id, i.member_b_id, {_WEEK.format(col="i.created_at")}
        FROM introductions_feedback f
        JOIN introductions_introduction i ON i.id = f.intro_id
        WHERE f.updated_at >= %(since)s
        """,
        {"since": since},
    )
    intro_ids = [row[0] for row in changed]
    members = {m for row in changed for m in row[1:3] if m is not None}
    weeks = {row[3] for row in changed}
    rounds = _execute(
        f"""
        SELECT id, {_WEEK.format(col="created_at")} FROM matching_round
        WHERE NOT dry_run AND (
          created_at >= %(since)s OR finished_at >= %(since)s
          OR id IN (SELECT round_id FROM matching_roundpair
                    WHERE introduction_id = ANY(%(intros)s)))
        """,
        {"since": since, "intros": intro_ids},
    )
    weeks |= {week for _, week in rounds}
    return sorted(r for r, _ in rounds), sorted(weeks), sorted(members)


@transaction.atomic
def insights_rollup(*, full: bool = False) -> RollupResult:
    """Bring the summary tables up to date; full=True recomputes every key."""
    _execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": _LOCK_KEY})
    started = timezone.now()
    state, _ = Rollup.objects.select_for_update().get_or_create(pk=1)
    full = full or state.watermark is None
    if full:
        rounds = [r for (r,) in _execute("SELECT id FROM matching_round")]
        weeks = [
            w
            for (w,) in _execute(
                f"""
                SELECT {_WEEK.format(col="created_at")}
                  FROM introductions_introduction
                UNION SELECT {_WEEK.format(col="created_at")} FROM matching_round
                """
            )
        ]
        _execute("DELETE FROM insights_roundfunnel")
        _execute("DELETE FROM insights_roundbreakdown")
        _execute("DELETE FROM insights_weekfunnel")
        members = None
    else:
        rounds, weeks, members = _dirty_since(state.watermark - OVERLAP)
    _recompute_rounds(rounds)
    _recompute_weeks(weeks)
    _recompute_members(members)
    _recompute_cohorts()
    _recompute_waiting(timezone.localdate(started))
    _fairness(state)
    state.watermark = started
    state.computed_at = timezone.now()
    state.save()
    return RollupResult(
        full=full,
        rounds=len(rounds),
        weeks=len(weeks),
        members=-1 if members is None else len(members),
    )
