"""Writes to member profiles and the interest taxonomy, by concern."""

from .addresses import (
    address_confirmed,
    address_suppress,
)
from .blocks import (
    SelfBlock,
    block_create,
    block_remove,
)
from .interests import (
    member_goal_add,
    member_goal_remove,
    member_interest_add,
    member_interest_remove,
)
from .profile import (
    profile_complete_onboarding,
    profile_get_or_create,
    profile_pause,
    profile_resume,
    profile_save,
    profiles_mark_introduced,
    profiles_refresh_search_vectors,
)
from .taxonomy import (
    interest_approve,
    interest_merge,
    interest_retire,
    interest_suggest,
    interest_update,
)

__all__ = [
    "SelfBlock",
    "address_confirmed",
    "address_suppress",
    "block_create",
    "block_remove",
    "interest_approve",
    "interest_merge",
    "interest_retire",
    "interest_suggest",
    "interest_update",
    "member_goal_add",
    "member_goal_remove",
    "member_interest_add",
    "member_interest_remove",
    "profile_complete_onboarding",
    "profile_get_or_create",
    "profile_pause",
    "profile_resume",
    "profile_save",
    "profiles_mark_introduced",
    "profiles_refresh_search_vectors",
]
