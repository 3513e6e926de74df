"""The two sections read live on each request rather than from the rollup: who
has waited longest for an intro, and the site's health right now."""

from datetime import date

from .models import WaitingMember
from .selectors import AUTO_PAUSE_DAYS, Health
from .tabular import Column, Table


def health_at_a_glance(h: Health) -> tuple[str, str]:
    return (
        "failed emails and open reports",
        f"{h.emails_failed:,} and {h.reports_open:,}",
    )


def waiting_table(waiting: list[WaitingMember], today: date) -> Table:
    return Table(
        "waiting",
        "Members waiting longest",
        "Members who can be introduced (active, onboarded, not paused), by the "
        "time since their last intro, or since onboarding if they never had one.",
        [
            Column("member", "text"),
            Column("waiting since", "text"),
            Column("days"),
        ],
        [
            (
                w.profile.name,
                f"{w.waiting_since:%d %b %Y}",
                (today - w.waiting_since.date()).days,
            )
            for w in waiting
        ],
    )


def health_table(h: Health) -> Table:
    return Table(
        "health",
        "Health",
        "Right now.",
        [Column("figure", "text"), Column("count")],
        [
            ("emails waiting to be sent", h.emails_pending),
            ("emails given up on (failed)", h.emails_failed),
            ("reports open", h.reports_open),
            ("members suspended", h.members_suspended),
            (
                f"members paused automatically, last {AUTO_PAUSE_DAYS} days",
                h.auto_pauses,
            ),
        ],
    )
