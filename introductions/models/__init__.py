"""The introductions app's models, by concern: introductions, the outbox's emails
and delivery events, feedback, reports and moderation."""

from .feedback import Feedback
from .introduction import Introduction, MemberGone
from .moderation import ModerationAction, Report
from .outbox import DeliveryEvent, OutboxEmail

__all__ = [
    "DeliveryEvent",
    "Feedback",
    "Introduction",
    "MemberGone",
    "ModerationAction",
    "OutboxEmail",
    "Report",
]
