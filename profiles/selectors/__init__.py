"""Reads of member profiles and the interest taxonomy, by concern."""

from .completeness import (
    Completeness,
    MissingStep,
    profile_completeness,
)
from .directory import (
    DIRECTORY_BROAD_SEARCH_SECONDS,
    DIRECTORY_CARD_FIELDS,
    DIRECTORY_CARD_TAGS,
    DIRECTORY_FILTERS_CACHE_KEY,
    DirectoryFilters,
    DirectoryResults,
    FilterCategory,
    directory_filters,
    directory_profiles,
)
from .interests import (
    PICKER_POPULAR_CACHE_KEY,
    PopularCategory,
    PopularTag,
    interest_search,
    member_interests,
    picker_popular,
    popular_interests_by_category,
    public_interests_prefetch,
    tag_query,
)
from .members import (
    ShownProfile,
    blocked_either_way,
    dashboard_resources,
    has_blocked,
    member_email_problem,
    profile_for_member,
    profile_shown,
)

__all__ = [
    "DIRECTORY_BROAD_SEARCH_SECONDS",
    "DIRECTORY_CARD_FIELDS",
    "DIRECTORY_CARD_TAGS",
    "DIRECTORY_FILTERS_CACHE_KEY",
    "PICKER_POPULAR_CACHE_KEY",
    "Completeness",
    "DirectoryFilters",
    "DirectoryResults",
    "FilterCategory",
    "MissingStep",
    "PopularCategory",
    "PopularTag",
    "ShownProfile",
    "blocked_either_way",
    "dashboard_resources",
    "directory_filters",
    "directory_profiles",
    "has_blocked",
    "interest_search",
    "member_email_problem",
    "member_interests",
    "picker_popular",
    "popular_interests_by_category",
    "profile_completeness",
    "profile_for_member",
    "profile_shown",
    "public_interests_prefetch",
    "tag_query",
]
