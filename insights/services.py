"""The rollup: recompute the summary tables of the insights page.

Every summary row belongs to one key (a round, a week, a member) and is always
recomputed whole from the source tables for that key. An incremental run finds
the keys touched since the last run (intros and follow-up answers changed,
rounds started or finished) and recomputes only those; a full run recomputes
every key. So the two write the same rows, and a repeated run changes nothing.
The whole-population figures (sign-up cohorts, fairness, who waits longest) are
recomputed on each run from the member tables, never from the intro table.

At scale (a million intros) every step is set-based SQL over temporary tables.
The touched intros and members are found along the updated_at indexes. The
intros of the rounds and weeks to recompute are read once (along the round
pairs' and created_at indexes; a full run reads the intro table in one pass)
into insights_facts, one row per intro with its outcome and the keys it is
counted by; the round and week funnels are grouped from it, and every breakdown
in a single pass over grouping sets. Members are recounted in one pass over the
intro table when many changed, along its member indexes when few did.
bench/load.py --only insights times each step at 100,000 members.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
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
# Past this share of all members touched, one pass over the intro table recounts
# everyone faster than an index probe per touched member.
MEMBERS_FULL_PASS_SHARE = 0.2

_WEEK = "(date_trunc('week', {col} AT TIME ZONE 'UTC'))::date"


@dataclass(frozen=True)
class RollupResult:
    full: bool
    rounds: int
    weeks: int
    members: int
    # Seconds per step, for the task's log and the benchmark.
    seconds: dict[str, float] = field(default_factory=dict)


def _execute(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall() if cursor.description else []


def _temp_table(name: str, select: str, params: dict[str, Any] | None = None) -> None:
    """A temporary table of a query's rows, gone at the end of the transaction."""
    _execute(f"DROP TABLE IF EXISTS {name}")
    _execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}", params)
    _execute(f"ANALYZE {name}")


# Per intro in scope: what happened to it, and the properties of its pair that
# the breakdowns count by, each a short text key. {source} names the intros as i;
# only the rounds being recomputed give an intro its round_id, and in_weeks says
# whether its week is being recomputed. Feedback is aggregated per intro first
# (two members answer); a profile's time zone is compared by its offset at
# TZ_REFERENCE.
_FACTS = """
SELECT rp.round_id, i.id, i.score, i.created_at,
  {_week_of_intro} = ANY(%(weeks)s) AS in_weeks,
  i.offered_at IS NOT NULL AS offered,
  i.connected_at IS NOT NULL AS connected,
  i.connected_at IS NOT NULL AND coalesce(fb.met, false) AS met,
  coalesce(fb.ratings, 0) AS ratings, coalesce(fb.rating_sum, 0) AS rating_sum,
  i.state = 'declined' AS declined,
  i.state = 'expired' AS expired,
  i.state = 'expired' AND i.a_response = '' AND i.b_response = '' AS no_answer,
  i.state = 'withdrawn' AS withdrawn,
  extract(epoch FROM i.a_responded_at - i.offered_at) AS a_secs,
  extract(epoch FROM i.b_responded_at - i.offered_at) AS b_secs,
  CASE WHEN pa.specialty_id IS NULL OR pb.specialty_id IS NULL THEN 'unknown'
    WHEN pa.specialty_id <> pb.specialty_id THEN 'cross' ELSE 'same' END
    AS specialty,
  CASE WHEN nullif(pa.country, '') IS NULL OR nullif(pb.country, '') IS NULL
    THEN 'unknown' WHEN pa.country <> pb.country THEN 'cross' ELSE 'same' END
    AS country,
  CASE WHEN pa.time_zone IS NULL OR pb.time_zone IS NULL THEN 'unknown'
    WHEN (%(tz_ref)s::timestamptz AT TIME ZONE pa.time_zone)
      <> (%(tz_ref)s::timestamptz AT TIME ZONE pb.time_zone) THEN 'cross'
    ELSE 'same' END AS time_zone,
  CASE WHEN nullif(pa.role, '') IS NULL OR nullif(pb.role, '') IS NULL
    THEN 'unknown'
    WHEN (pa.role = ANY(%(trainee)s)) <> (pb.role = ANY(%(trainee)s)) THEN 'cross'
    WHEN pa.role = ANY(%(trainee)s) THEN 'trainees' ELSE 'attendings' END
    AS stage,
  CASE WHEN nullif(pa.role, '') IS NULL OR nullif(pb.role, '') IS NULL
    THEN 'unknown'
    ELSE least(pa.role, pb.role) || ' + ' || greatest(pa.role, pb.role) END
    AS roles,
  CASE WHEN coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(
      i.explanation -> 'shared_interests') = 'array'
      THEN i.explanation -> 'shared_interests' END), 0)
    + coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(
      i.explanation -> 'shared_sensitive_interests') = 'array'
      THEN i.explanation -> 'shared_sensitive_interests' END), 0) > 0
    THEN 'yes' ELSE 'no' END AS shared_interest,
  CASE WHEN coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(
      i.explanation -> 'goals') = 'array' THEN i.explanation -> 'goals' END), 0) > 0
    THEN 'yes' ELSE 'no' END AS goal,
  CASE WHEN i.explanation ->> 'cross_specialty' = 'true' THEN 'yes' ELSE 'no' END
    AS cross_specialty,
  {components}
FROM {source}
LEFT JOIN matching_roundpair rp
  ON rp.introduction_id = i.id AND rp.round_id = ANY(%(rounds)s)
LEFT JOIN (
  SELECT f.intro_id, bool_or(f.met = 'yes') AS met, count(f.rating) AS ratings,
         coalesce(sum(f.rating), 0) AS rating_sum
  FROM introductions_feedback f {feedback_scope}
  GROUP BY f.intro_id
) fb ON fb.intro_id = i.id
LEFT JOIN profiles_profile pa ON pa.id = i.member_a_id
LEFT JOIN profiles_profile pb ON pb.id = i.member_b_id
"""
# The learning page's calibration by score component: offered intros that
# carry their score's components (introductions.components), by the bucket of
# each, the bucket's number as the key (its label is insights.learning's). NULL
# for every other intro, so that they make no group.
COMPONENT_BUCKETS = {
    "component_interest": """CASE WHEN i.component_interest <= 0 THEN '0'
      WHEN i.component_interest < 0.2 THEN '1' WHEN i.component_interest < 0.4
      THEN '2' WHEN i.component_interest < 0.6 THEN '3' ELSE '4' END""",
    "component_goal": """CASE WHEN i.component_goal_units = 0 THEN '0'
      WHEN i.component_goal_units < 4 THEN '1'
      WHEN i.component_goal_units < 8 THEN '2' ELSE '3' END""",
    "component_cross": """CASE WHEN NOT i.component_cross_specialty THEN '0'
      WHEN NOT i.component_prefers_other THEN '1' ELSE '2' END""",
    "component_windows": """CASE WHEN i.component_windows_overlap IS NULL
      THEN '2' WHEN i.component_windows_overlap THEN '0' ELSE '1' END""",
}
_COMPONENTS = ",\n  ".join(
    "CASE WHEN i.component_interest IS NOT NULL AND i.offered_at IS NOT NULL "
    f"THEN {bucket} END AS {measure}"
    for measure, bucket in COMPONENT_BUCKETS.items()
)
# The breakdowns (RoundBreakdown.measure), each a column of insights_facts but
# the decile, which is ranked within each round.
_MEASURES = [
    "specialty",
    "country",
    "time_zone",
    "stage",
    "roles",
    "decile",
    "shared_interest",
    "goal",
    "cross_specialty",
    *COMPONENT_BUCKETS,
]

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


def _answers(group: str, where: str) -> str:
    """How many answers each group got and their median delay, in hours."""
    return f"""
      SELECT {group} AS key, count(*) AS answers,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY x.secs) / 3600
               AS median_hours
      FROM insights_facts f, LATERAL (VALUES (f.a_secs), (f.b_secs)) x(secs)
      WHERE {where} AND x.secs IS NOT NULL GROUP BY 1
    """


def _collect_facts(rounds: list[int], weeks: list[date], *, full: bool) -> None:
    """insights_facts: every intro of these rounds and weeks, read once."""
    params = {
        "rounds": rounds,
        "weeks": weeks,
        "tz_ref": TZ_REFERENCE,
        "trainee": TRAINEE_ROLES,
    }
    week_of_intro = _WEEK.format(col="i.created_at")
    if full:
        source, feedback_scope = "introductions_introduction i", ""
    else:
        # The rounds' intros along the round pairs' index, the weeks' along the
        # created_at index (one range per week).
        _temp_table(
            "insights_scope",
            """
            SELECT introduction_id AS id FROM matching_roundpair
            WHERE round_id = ANY(%(rounds)s) AND introduction_id IS NOT NULL
            UNION
            SELECT i.id FROM unnest(%(weeks)s::date[]) w(start)
            JOIN introductions_introduction i
              ON i.created_at >= (w.start::timestamp AT TIME ZONE 'UTC')
             AND i.created_at < ((w.start + 7)::timestamp AT TIME ZONE 'UTC')
            """,
            params,
        )
        source = "insights_scope s JOIN introductions_introduction i ON i.id = s.id"
        feedback_scope = "WHERE f.intro_id IN (SELECT id FROM insights_scope)"
    _temp_table(
        "insights_facts",
        _FACTS.format(
            _week_of_intro=week_of_intro,
            source=source,
            feedback_scope=feedback_scope,
            components=_COMPONENTS,
        ),
        params,
    )


def _recompute_rounds(round_ids: list[int]) -> None:
    """round_ids: rounds of introductions (no dry run), their intros in
    insights_facts."""
    if not round_ids:
        return
    params = {"rounds": round_ids}
    _execute(
        "DELETE FROM insights_roundfunnel WHERE round_id = ANY(%(rounds)s)", params
    )
    _execute(
        "DELETE FROM insights_roundbreakdown WHERE round_id = ANY(%(rounds)s)", params
    )
    in_rounds = "f.round_id IS NOT NULL"
    _execute(
        f"""
        WITH agg AS (
          SELECT f.round_id, {_FUNNEL_SUMS} FROM insights_facts f
          WHERE {in_rounds} GROUP BY f.round_id
        ),
        ans AS ({_answers("f.round_id", in_rounds)}),
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
        LEFT JOIN ans ON ans.key = r.id
        LEFT JOIN lo ON lo.round_id = r.id
        WHERE r.id = ANY(%(rounds)s)
        """,
        params,
    )
    # One pass for all measures: a hash table per grouping set, rather than a
    # row per intro and measure. The intros a component measure leaves out
    # (its key NULL) make no row.
    measure = "CASE {} END".format(
        " ".join(f"WHEN GROUPING({m}) = 0 THEN '{m}'" for m in _MEASURES)
    )
    sets = ", ".join(f"(round_id, {m})" for m in _MEASURES)
    _execute(
        f"""
        INSERT INTO insights_roundbreakdown (
          round_id, measure, key, proposed, offered, connected, met
        )
        SELECT round_id, {measure}, coalesce({", ".join(_MEASURES)}),
          count(*), count(*) FILTER (WHERE offered),
          count(*) FILTER (WHERE connected), count(*) FILTER (WHERE met)
        FROM (
          SELECT f.*, ntile(10) OVER (
            PARTITION BY f.round_id ORDER BY f.score, f.id)::text AS decile
          FROM insights_facts f WHERE {in_rounds}
        ) f
        GROUP BY GROUPING SETS ({sets})
        HAVING coalesce({", ".join(_MEASURES)}) IS NOT NULL
        """,
        params,
    )


def _recompute_weeks(weeks: list[date]) -> None:
    """weeks: their intros in insights_facts."""
    if not weeks:
        return
    params = {"weeks": weeks}
    _execute("DELETE FROM insights_weekfunnel WHERE week = ANY(%(weeks)s)", params)
    week_of_intro = _WEEK.format(col="f.created_at")
    _execute(
        f"""
        WITH agg AS (
          SELECT {week_of_intro} AS week, {_FUNNEL_SUMS}
          FROM insights_facts f WHERE f.in_weeks GROUP BY 1
        ),
        ans AS ({_answers(week_of_intro, "f.in_weeks")}),
        el AS (
          SELECT {_WEEK.format(col="r.created_at")} AS week,
                 sum(r.members_considered) AS eligible
          FROM matching_round r WHERE NOT r.dry_run GROUP BY 1
        )
        INSERT INTO insights_weekfunnel (week, {_FUNNEL_COLUMNS})
        SELECT w.week, coalesce(el.eligible, 0), {_FUNNEL_SELECT}
        FROM unnest(%(weeks)s::date[]) w(week)
        LEFT JOIN agg ON agg.week = w.week
        LEFT JOIN ans ON ans.key = w.week
        LEFT JOIN el ON el.week = w.week
        WHERE agg.week IS NOT NULL OR el.week IS NOT NULL
        """,
        params,
    )


_EXPOSURE_SUMS = """
  count(*), count(*) FILTER (WHERE i.offered_at IS NOT NULL),
  count(*) FILTER (WHERE i.connected_at IS NOT NULL)
"""


def _recompute_all_members() -> None:
    """Every member's exposure, in one pass over the intro table."""
    _execute("DELETE FROM insights_memberexposure")
    _execute(
        f"""
        INSERT INTO insights_memberexposure (profile_id, intros, offered, connected)
        SELECT m.id, {_EXPOSURE_SUMS}
        FROM introductions_introduction i,
             LATERAL (VALUES (i.member_a_id), (i.member_b_id)) m(id)
        WHERE m.id IS NOT NULL GROUP BY m.id
        """
    )


def _recompute_dirty_members() -> None:
    """The exposure of the members in insights_dirty_members, along the intro
    table's member_a and (member_b, member_a) indexes."""
    _execute(
        "DELETE FROM insights_memberexposure e USING insights_dirty_members d "
        "WHERE e.profile_id = d.id"
    )
    _execute(
        f"""
        INSERT INTO insights_memberexposure (profile_id, intros, offered, connected)
        SELECT d.id, {_EXPOSURE_SUMS}
        FROM insights_dirty_members d
        JOIN LATERAL (
          SELECT offered_at, connected_at FROM introductions_introduction
          WHERE member_a_id = d.id
          UNION ALL
          SELECT offered_at, connected_at FROM introductions_introduction
          WHERE member_b_id = d.id
        ) i ON true
        GROUP BY d.id
        """
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


def _all_keys() -> tuple[list[int], list[date]]:
    rounds = [r for (r,) in _execute("SELECT id FROM matching_round WHERE NOT dry_run")]
    # The distinct weeks from the created_at index, a week at a time (a loose
    # index scan), rather than by sorting every intro.
    weeks = [
        w
        for (w,) in _execute(
            f"""
            WITH RECURSIVE w(start) AS (
              SELECT {_WEEK.format(col="min(created_at)")}
                FROM introductions_introduction
              UNION ALL
              SELECT {_WEEK.format(col="n.created_at")} FROM w, LATERAL (
                SELECT created_at FROM introductions_introduction
                WHERE created_at >= ((w.start + 7)::timestamp AT TIME ZONE 'UTC')
                ORDER BY created_at LIMIT 1
              ) n
            )
            SELECT start FROM w WHERE start IS NOT NULL
            UNION SELECT {_WEEK.format(col="created_at")} FROM matching_round
              WHERE NOT dry_run
            """
        )
    ]
    return rounds, weeks


def _dirty_since(since: datetime) -> tuple[list[int], list[date], int]:
    """Rounds and weeks whose figures may have changed since then; the members
    whose exposure may have are left in insights_dirty_members (their count)."""
    params = {"since": since}
    _temp_table(
        "insights_dirty_intros",
        """
        SELECT i.id, i.member_a_id, i.member_b_id, i.created_at
        FROM introductions_introduction i WHERE i.updated_at >= %(since)s
        UNION
        SELECT i.id, i.member_a_id, i.member_b_id, i.created_at
        FROM introductions_feedback f
        JOIN introductions_introduction i ON i.id = f.intro_id
        WHERE f.updated_at >= %(since)s
        """,
        params,
    )
    rounds = [
        r
        for (r,) in _execute(
            """
            SELECT r.id FROM matching_round r
            WHERE NOT r.dry_run AND (
              r.created_at >= %(since)s OR r.finished_at >= %(since)s
              OR r.id IN (SELECT rp.round_id FROM matching_roundpair rp
                          JOIN insights_dirty_intros d ON d.id = rp.introduction_id))
            ORDER BY r.id
            """,
            params,
        )
    ]
    weeks = [
        w
        for (w,) in _execute(
            f"""
            SELECT DISTINCT {_WEEK.format(col="created_at")}
              FROM insights_dirty_intros
            UNION SELECT {_WEEK.format(col="created_at")} FROM matching_round
              WHERE id = ANY(%(rounds)s)
            """,
            {"rounds": rounds},
        )
    ]
    _temp_table(
        "insights_dirty_members",
        """
        SELECT member_a_id AS id FROM insights_dirty_intros
          WHERE member_a_id IS NOT NULL
        UNION SELECT member_b_id FROM insights_dirty_intros
          WHERE member_b_id IS NOT NULL
        """,
    )
    (members,) = _execute("SELECT count(*) FROM insights_dirty_members")[0]
    return rounds, sorted(weeks), members


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - start, 3)


@transaction.atomic
def insights_rollup(*, full: bool = False) -> RollupResult:
    """Bring the summary tables up to date; full=True recomputes every key."""
    _execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": _LOCK_KEY})
    # Sorts and hash tables over a million intros fit in memory rather than
    # spilling to disk; only this transaction, one at a time, gets this much.
    _execute(
        "SELECT set_config('work_mem', %(mem)s, true)",
        {"mem": settings.INSIGHTS_ROLLUP_WORK_MEM},
    )
    started = timezone.now()
    seconds: dict[str, float] = {}
    state, _ = Rollup.objects.select_for_update().get_or_create(pk=1)
    watermark = None if full else state.watermark
    full = watermark is None
    with _timed(seconds, "find"):
        if watermark is None:
            rounds, weeks = _all_keys()
            # DELETE, not TRUNCATE: the page goes on reading the old rows until
            # the run commits, where TRUNCATE would make it wait for the run.
            for table in ("roundfunnel", "roundbreakdown", "weekfunnel"):
                _execute(f"DELETE FROM insights_{table}")
            members = -1
        else:
            rounds, weeks, members = _dirty_since(watermark - OVERLAP)
    with _timed(seconds, "facts"):
        if rounds or weeks:
            _collect_facts(rounds, weeks, full=full)
    with _timed(seconds, "rounds"):
        _recompute_rounds(rounds)
    with _timed(seconds, "weeks"):
        _recompute_weeks(weeks)
    with _timed(seconds, "members"):
        (population,) = _execute("SELECT count(*) FROM profiles_profile")[0]
        if members < 0 or members > MEMBERS_FULL_PASS_SHARE * population:
            _recompute_all_members()
        elif members:
            _recompute_dirty_members()
    with _timed(seconds, "cohorts"):
        _recompute_cohorts()
    with _timed(seconds, "waiting"):
        _recompute_waiting(timezone.localdate(started))
    with _timed(seconds, "fairness"):
        _fairness(state)
    state.watermark = started
    state.computed_at = timezone.now()
    state.save()
    return RollupResult(
        full=full,
        rounds=len(rounds),
        weeks=len(weeks),
        members=members,
        seconds=seconds,
    )
