"""The profiles app's models, by concern: the user, the taxonomy, the member's
profile and what they list, blocks and suppressed addresses."""

from .profile import CallWindow, MemberGoal, MemberInterest, Profile, validate_timezone
from .safety import Block, SuppressedAddress
from .taxonomy import (
    CuratedQuerySet,
    GoalKind,
    Interest,
    InterestCategory,
    InterestQuerySet,
    Resource,
    Specialty,
)
from .users import User, UserManager

__all__ = [
    "Block",
    "CallWindow",
    "CuratedQuerySet",
    "GoalKind",
    "Interest",
    "InterestCategory",
    "InterestQuerySet",
    "MemberGoal",
    "MemberInterest",
    "Profile",
    "Resource",
    "Specialty",
    "SuppressedAddress",
    "User",
    "UserManager",
    "validate_timezone",
]
