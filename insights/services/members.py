"""The whole-membership figures: each member's exposure, the sign-up cohorts, who
has waited longest, and how concentrated the intros are."""

from datetime import date

from ..figures import exposure_concentration
from ..models import Rollup
from .sql import WEEK, execute

WAITING_SHOWN = 10

_EXPOSURE_SUMS = """
  count(*), count(*) FILTER (WHERE i.offered_at IS NOT NULL),
  count(*) FILTER (WHERE i.connected_at IS NOT NULL)
"""


def recompute_all_members() -> None:
    """Every member's exposure, in one pass over the intro table."""
    execute("DELETE FROM insights_memberexposure")
    execute(
        f"""
        INSERT INTO insights_memberexposure (profile_id, intros, offered, connected)
        SELECT m.id, {_EXPOSURE_SUMS}
        FROM introductions_introduction i,
             LATERAL (VALUES (i.member_a_id), (i.member_b_id)) m(id)
        WHERE m.id IS NOT NULL GROUP BY m.id
        """
    )


def recompute_dirty_members() -> None:
    """The exposure of the members in insights_dirty_members, along the intro
    table's member_a and (member_b, member_a) indexes."""
    execute(
        "DELETE FROM insights_memberexposure e USING insights_dirty_members d "
        "WHERE e.profile_id = d.id"
    )
    execute(
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


def recompute_cohorts() -> None:
    """Each step counts members who also passed every step before it."""
    execute("DELETE FROM insights_signupcohort")
    execute(
        f"""
        WITH steps AS (
          SELECT {WEEK.format(col="p.created_at")} AS week,
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


def recompute_waiting(today: date) -> None:
    """The members able to get an intro who have waited longest for one."""
    execute("DELETE FROM insights_waitingmember")
    execute(
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


def fairness(state: Rollup) -> None:
    histogram = execute(
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
