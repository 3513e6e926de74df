"""The round and week funnels and the round breakdowns, grouped from
insights_facts."""

from datetime import date

from .facts import COMPONENT_BUCKETS
from .sql import WEEK, execute

# The breakdowns (RoundBreakdown.measure), each a column of insights_facts but
# the decile, which is ranked within each round.
MEASURES = [
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

FUNNEL_SUMS = """
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

FUNNEL_COLUMNS = (
    "eligible, proposed, offered, connected, met, ratings, rating_sum, declined, "
    "expired, no_answer, withdrawn, answers, median_answer_hours"
)
FUNNEL_SELECT = """
  coalesce(agg.proposed, 0), coalesce(agg.offered, 0), coalesce(agg.connected, 0),
  coalesce(agg.met, 0), coalesce(agg.ratings, 0), coalesce(agg.rating_sum, 0),
  coalesce(agg.declined, 0), coalesce(agg.expired, 0), coalesce(agg.no_answer, 0),
  coalesce(agg.withdrawn, 0), coalesce(ans.answers, 0), ans.median_hours
"""


def answers(group: str, where: str) -> str:
    """How many answers each group got and their median delay, in hours."""
    return f"""
      SELECT {group} AS key, count(*) AS answers,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY x.secs) / 3600
               AS median_hours
      FROM insights_facts f, LATERAL (VALUES (f.a_secs), (f.b_secs)) x(secs)
      WHERE {where} AND x.secs IS NOT NULL GROUP BY 1
    """


def recompute_rounds(round_ids: list[int]) -> None:
    """round_ids: rounds of introductions (no dry run), their intros in
    insights_facts."""
    if not round_ids:
        return
    params = {"rounds": round_ids}
    execute("DELETE FROM insights_roundfunnel WHERE round_id = ANY(%(rounds)s)", params)
    execute(
        "DELETE FROM insights_roundbreakdown WHERE round_id = ANY(%(rounds)s)", params
    )
    in_rounds = "f.round_id IS NOT NULL"
    execute(
        f"""
        WITH agg AS (
          SELECT f.round_id, {FUNNEL_SUMS} FROM insights_facts f
          WHERE {in_rounds} GROUP BY f.round_id
        ),
        ans AS ({answers("f.round_id", in_rounds)}),
        lo AS (
          SELECT round_id,
            count(*) FILTER (WHERE reason = 'odd_one_out') AS odd,
            count(*) FILTER (WHERE reason = 'no_candidate') AS none,
            count(*) FILTER (WHERE reason = 'capacity') AS capacity
          FROM matching_leftout WHERE round_id = ANY(%(rounds)s) GROUP BY round_id
        )
        INSERT INTO insights_roundfunnel (
          round_id, {FUNNEL_COLUMNS},
          left_odd_one_out, left_no_candidate, left_capacity
        )
        SELECT r.id, r.members_considered, {FUNNEL_SELECT},
          coalesce(lo.odd, 0), coalesce(lo.none, 0), coalesce(lo.capacity, 0)
        FROM matching_round r
        LEFT JOIN agg ON agg.round_id = r.id
        LEFT JOIN ans ON ans.key = r.id
        LEFT JOIN lo ON lo.round_id = r.id
        WHERE r.id = ANY(%(rounds)s)
        """,
        params,
    )
    _breakdown_rounds(params, in_rounds)


def _breakdown_rounds(params: dict[str, list[int]], in_rounds: str) -> None:
    """The rounds' breakdowns, every measure in one pass over their facts: a hash
    table per grouping set, rather than a row per intro and measure. The intros a
    component measure leaves out (its key NULL) make no row."""
    measure = "CASE {} END".format(
        " ".join(f"WHEN GROUPING({m}) = 0 THEN '{m}'" for m in MEASURES)
    )
    sets = ", ".join(f"(round_id, {m})" for m in MEASURES)
    execute(
        f"""
        INSERT INTO insights_roundbreakdown (
          round_id, measure, key, proposed, offered, connected, met
        )
        SELECT round_id, {measure}, coalesce({", ".join(MEASURES)}),
          count(*), count(*) FILTER (WHERE offered),
          count(*) FILTER (WHERE connected), count(*) FILTER (WHERE met)
        FROM (
          SELECT f.*, ntile(10) OVER (
            PARTITION BY f.round_id ORDER BY f.score, f.id)::text AS decile
          FROM insights_facts f WHERE {in_rounds}
        ) f
        GROUP BY GROUPING SETS ({sets})
        HAVING coalesce({", ".join(MEASURES)}) IS NOT NULL
        """,
        params,
    )


def recompute_weeks(weeks: list[date]) -> None:
    """weeks: their intros in insights_facts."""
    if not weeks:
        return
    params = {"weeks": weeks}
    execute("DELETE FROM insights_weekfunnel WHERE week = ANY(%(weeks)s)", params)
    week_of_intro = WEEK.format(col="f.created_at")
    execute(
        f"""
        WITH agg AS (
          SELECT {week_of_intro} AS week, {FUNNEL_SUMS}
          FROM insights_facts f WHERE f.in_weeks GROUP BY 1
        ),
        ans AS ({answers(week_of_intro, "f.in_weeks")}),
        el AS (
          SELECT {WEEK.format(col="r.created_at")} AS week,
                 sum(r.members_considered) AS eligible
          FROM matching_round r WHERE NOT r.dry_run GROUP BY 1
        )
        INSERT INTO insights_weekfunnel (week, {FUNNEL_COLUMNS})
        SELECT w.week, coalesce(el.eligible, 0), {FUNNEL_SELECT}
        FROM unnest(%(weeks)s::date[]) w(week)
        LEFT JOIN agg ON agg.week = w.week
        LEFT JOIN ans ON ans.key = w.week
        LEFT JOIN el ON el.week = w.week
        WHERE agg.week IS NOT NULL OR el.week IS NOT NULL
        """,
        params,
    )
