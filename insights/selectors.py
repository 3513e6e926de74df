"""What the insights page reads: the summary tables and a few indexed counts.

One query per kind of figure, whatever the number of members or intros (six in
all); nothing here reads the intro table. The figures of the summary tables
change only when the rollup runs, so the page keeps them per rollup_version;
the health counts and the waiting members' names are read on every request.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Sum

from introductions.models import OutboxEmail, Report

from .models import (
    Rollup,
    RoundBreakdown,
    RoundFunnel,
    SignupCohort,
    WaitingMember,
    WeekFunnel,
)

RECENT_ROUNDS = 12
RECENT_WEEKS = 12
AUTO_PAUSE_DAYS = 30


@dataclass(frozen=True)
class Health:
    emails_pending: int
    emails_failed: int
    reports_open: int
    members_suspended: int
    auto_pauses: int


@dataclass(frozen=True)
class Breakdown:
    measure: str
    key: str
    proposed: int
    offered: int
    connected: int
    met: int


@dataclass(frozen=True)
class RolledUpData:
    """What the rollup computed: fixed until its next run."""

    rollup: Rollup | None
    rounds: list[RoundFunnel]
    weeks: list[WeekFunnel]
    breakdowns: list[Breakdown]
    cohorts: list[SignupCohort]


_HEALTH_COUNTS = """
  (SELECT count(*) FROM introductions_outboxemail WHERE status = %(pending)s),
  (SELECT count(*) FROM introductions_outboxemail WHERE status = %(failed)s),
  (SELECT count(*) FROM introductions_report WHERE status = %(report_open)s),
  (SELECT count(*) FROM profiles_user u
    JOIN profiles_profile p ON p.user_id = u.id WHERE NOT u.is_active),
  (SELECT count(*) FROM matching_autopause WHERE created_at >= %(since)s)
"""


def rollup_and_health(now: datetime) -> tuple[Rollup | None, Health]:
    """The rollup's row (None before its first run) and the live counts, each
    along an index or over a small table, in one query."""
    fields = [f.attname for f in Rollup._meta.concrete_fields]
    columns = ", ".join(f"r.{name}" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            # Column names from the model only.
            f"SELECT {_HEALTH_COUNTS}, {columns} FROM (SELECT 1) one "  # noqa: S608
            "LEFT JOIN insights_rollup r ON r.id = 1",
            {
                "pending": OutboxEmail.Status.PENDING,
                "failed": OutboxEmail.Status.FAILED,
                "report_open": Report.Status.OPEN,
                "since": now - timedelta(days=AUTO_PAUSE_DAYS),
            },
        )
        row = cursor.fetchone()
    counts, values = row[:5], row[5:]
    rollup = None
    if values[fields.index("id")] is not None:
        rollup = Rollup.from_db("default", fields, values)
    return rollup, Health(*counts)


def rollup_computed_at() -> datetime | None:
    """When the rollup last ran (None before its first run)."""
    return Rollup.objects.filter(pk=1).values_list("computed_at", flat=True).first()


def rollup_version(rollup: Rollup | None) -> str:
    """What the figures drawn from the summary tables are cached under: the
    rollup rewrites them and its computed_at in one transaction, so a new run
    means a new version, and a version's figures never change."""
    return version_of(None if rollup is None else rollup.computed_at)


def version_of(computed_at: datetime | None) -> str:
    return "none" if computed_at is None else f"{computed_at.timestamp():.6f}"


def rolled_up_data(rollup: Rollup | None) -> RolledUpData:
    """The summary tables (four queries), as of `rollup`."""
    recent_rounds = RoundFunnel.objects.order_by("-round__created_at", "-round_id")[
        :RECENT_ROUNDS
    ]
    rounds = list(recent_rounds.select_related("round"))
    breakdowns = [
        Breakdown(**row)
        for row in RoundBreakdown.objects.filter(
            round_id__in=recent_rounds.values("round_id")
        )
        .values("measure", "key")
        .annotate(
            proposed=Sum("proposed"),
            offered=Sum("offered"),
            connected=Sum("connected"),
            met=Sum("met"),
        )
        .order_by("measure", "key")
    ]
    return RolledUpData(
        rollup=rollup,
        rounds=rounds[::-1],
        weeks=list(WeekFunnel.objects.order_by("-week")[:RECENT_WEEKS])[::-1],
        breakdowns=breakdowns,
        cohorts=list(SignupCohort.objects.order_by("week")),
    )


def waiting_members() -> list[WaitingMember]:
    """Who waits longest, with their names read now: a member renamed or gone
    since the rollup is never shown by an old name."""
    return list(
        WaitingMember.objects.select_related("profile").only(
            "rank", "waiting_since", "profile__display_name"
        )
    )
