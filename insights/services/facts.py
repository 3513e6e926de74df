"""insights_facts: one row per intro in scope with its outcome and the keys the
funnels and breakdowns count it by, read once per run."""

from datetime import date

from .sql import WEEK, temp_table

# Time zones differ when their UTC offsets differ at this fixed instant, so that
# the figure does not move with daylight saving.
TZ_REFERENCE = "2026-01-15 12:00:00+00"
TRAINEE_ROLES = ["student", "resident", "fellow"]

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


def collect_facts(rounds: list[int], weeks: list[date], *, full: bool) -> None:
    """insights_facts: every intro of these rounds and weeks, read once."""
    params = {
        "rounds": rounds,
        "weeks": weeks,
        "tz_ref": TZ_REFERENCE,
        "trainee": TRAINEE_ROLES,
    }
    week_of_intro = WEEK.format(col="i.created_at")
    if full:
        source, feedback_scope = "introductions_introduction i", ""
    else:
        # The rounds' intros along the round pairs' index, the weeks' along the
        # created_at index (one range per week).
        temp_table(
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
    temp_table(
        "insights_facts",
        _FACTS.format(
            _week_of_intro=week_of_intro,
            source=source,
            feedback_scope=feedback_scope,
            components=_COMPONENTS,
        ),
        params,
    )
