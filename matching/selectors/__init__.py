"""Reads for the matching engine: who is eligible, the arrays the core scores, and
the rounds' history, each array moved in bulk by binary COPY (`pgcopy`)."""

from .arrays import (
    MemberGoals,
    MemberTags,
    MemberWindows,
    member_goals,
    member_tags,
    member_windows,
    tag_categories,
)
from .eligible import (
    CADENCE_WEEKS,
    EligibleMembers,
    member_priority,
    members_eligible,
    round_week,
)
from .history import (
    WAITING_REASONS,
    excluded_pairs,
    member_left_out_last_round,
    members_gone,
    members_left_out_last_round,
    members_to_auto_pause,
    round_unfinished_id,
    weight_version_active,
)
from .pgcopy import copy_out, rows_of

__all__ = [
    "CADENCE_WEEKS",
    "WAITING_REASONS",
    "EligibleMembers",
    "MemberGoals",
    "MemberTags",
    "MemberWindows",
    "copy_out",
    "excluded_pairs",
    "member_goals",
    "member_left_out_last_round",
    "member_priority",
    "member_tags",
    "member_windows",
    "members_eligible",
    "members_gone",
    "members_left_out_last_round",
    "members_to_auto_pause",
    "round_unfinished_id",
    "round_week",
    "rows_of",
    "tag_categories",
    "weight_version_active",
]
