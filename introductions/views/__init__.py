"""Introduction pages: signed email links (no login needed) and dashboard actions,
blocking and reporting (logged in)."""

from .dashboard import (
    intro_accept,
    intro_decline,
    intro_request,
)
from .email_links import (
    link_answer,
    link_feedback,
    link_pause,
)
from .safety import (
    member_block,
    member_report,
    member_report_done,
    member_unblock,
)

__all__ = [
    "intro_accept",
    "intro_decline",
    "intro_request",
    "link_answer",
    "link_feedback",
    "link_pause",
    "member_block",
    "member_report",
    "member_report_done",
    "member_unblock",
]
