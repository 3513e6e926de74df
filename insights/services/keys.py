"""Which rounds, weeks and members a run recomputes: all of them, or those
touched since the last run."""

from datetime import date, datetime

from .sql import WEEK, execute, temp_table


def all_keys() -> tuple[list[int], list[date]]:
    rounds = [r for (r,) in execute("SELECT id FROM matching_round WHERE NOT dry_run")]
    # The distinct weeks from the created_at index, a week at a time (a loose
    # index scan), rather than by sorting every intro.
    weeks = [
        w
        for (w,) in execute(
            f"""
            WITH RECURSIVE w(start) AS (
              SELECT {WEEK.format(col="min(created_at)")}
                FROM introductions_introduction
              UNION ALL
              SELECT {WEEK.format(col="n.created_at")} FROM w, LATERAL (
                SELECT created_at FROM introductions_introduction
                WHERE created_at >= ((w.start + 7)::timestamp AT TIME ZONE 'UTC')
                ORDER BY created_at LIMIT 1
              ) n
            )
            SELECT start FROM w WHERE start IS NOT NULL
            UNION SELECT {WEEK.format(col="created_at")} FROM matching_round
              WHERE NOT dry_run
            """
        )
    ]
    return rounds, weeks


def dirty_since(since: datetime) -> tuple[list[int], list[date], int]:
    """Rounds and weeks whose figures may have changed since then; the members
    whose exposure may have are left in insights_dirty_members (their count)."""
    params = {"since": since}
    temp_table(
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
        for (r,) in execute(
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
        for (w,) in execute(
            f"""
            SELECT DISTINCT {WEEK.format(col="created_at")}
              FROM insights_dirty_intros
            UNION SELECT {WEEK.format(col="created_at")} FROM matching_round
              WHERE id = ANY(%(rounds)s)
            """,
            {"rounds": rounds},
        )
    ]
    temp_table(
        "insights_dirty_members",
        """
        SELECT member_a_id AS id FROM insights_dirty_intros
          WHERE member_a_id IS NOT NULL
        UNION SELECT member_b_id FROM insights_dirty_intros
          WHERE member_b_id IS NOT NULL
        """,
    )
    (members,) = execute("SELECT count(*) FROM insights_dirty_members")[0]
    return rounds, sorted(weeks), members
