"""The directory: its listing in tiers, its search, and its filters."""

import hashlib
import json
from dataclasses import dataclass
from typing import TypedDict, cast

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db.models import (
    Q,
    QuerySet,
)

from ..models import (
    GoalKind,
    Interest,
    MemberGoal,
    MemberInterest,
    Profile,
    Specialty,
    User,
)
from .interests import POPULAR_TAGS_CACHE_SECONDS, popular_interests_by_category
from .members import visible_to

DIRECTORY_BROAD_SEARCH_SECONDS = 300

# A directory card shows a member's first few public tags, alphabetically, and
# only these fields: rows are read and built 20 at a time on the busiest page.
DIRECTORY_CARD_TAGS = 8
DIRECTORY_CARD_FIELDS = [
    "user",  # whose card it is, for what the viewer may see of it
    "display_name",
    "role",
    "city",
    "show_city",
    "specialty__name",
]


class DirectoryResults:
    """A directory listing made of tiers read as one list, each tier in name order.

    A search lists the members whose name or specialty matches first, then those
    matched by their interests, goals, place or bio. Ranking every match instead
    (ts_rank) reads each matching document, which for a popular tag is a large
    share of all members. A tier in name order is read 20 rows at a time along the
    directory's name index, and its count stops at the cap.
    """

    def __init__(self, *tiers: QuerySet[Profile], search_key: str = "") -> None:
        self.tiers = [
            tier.only(*DIRECTORY_CARD_FIELDS).select_related("specialty")
            for tier in tiers
        ]
        self.search_key = search_key
        self._sizes: dict[int, int] = {}  # tier -> its exact size, once counted

    def count_up_to(self, cap: int) -> int:
        """The number of members listed, or cap + 1 when there are more.

        A search found to match more than the cap is remembered for a few minutes:
        the popular ones are the searches made most often and the dearest to count,
        and "more than 500" stays true while members come and go.
        """
        broad_key = f"directory:broad:{cap}:{self.search_key}"
        if self.search_key and cache.get(broad_key):
            return cap + 1
        total = self._count_up_to(cap)
        if self.search_key and total > cap:
            cache.set(broad_key, True, DIRECTORY_BROAD_SEARCH_SECONDS)
        return total

    def _count_up_to(self, cap: int) -> int:
        total = 0
        for i, tier in enumerate(self.tiers):
            limit = cap + 1 - total
            found = tier.order_by()[:limit].count()
            if found < limit:
                self._sizes[i] = found
            total += found
            if total > cap:
                break
        return total

    def __getitem__(self, window: slice) -> list[Profile]:
        start, stop = window.start or 0, window.stop
        members: list[Profile] = []
        for i, tier in enumerate(self.tiers):
            if stop <= 0:
                break
            if i == len(self.tiers) - 1:
                return members + _cards(tier, start, stop)
            size = self._sizes.get(i)
            in_window = tier.order_by()[:stop].count() if size is None else size
            if start < in_window:
                members += _cards(tier, start, stop)
            start, stop = max(start - in_window, 0), stop - in_window
        return members


def _cards(tier: QuerySet[Profile], start: int, stop: int) -> list[Profile]:
    """One page of a tier, each member with the names of their first public tags
    as `card_tags`: plain names in one query, no tag objects to build."""
    members = list(tier[start:stop])
    names: dict[int, list[str]] = {member.pk: [] for member in members}
    links = (
        MemberInterest.objects.filter(
            profile__in=members, interest__in=Interest.objects.public()
        )
        .order_by("interest__name")
        .values_list("profile_id", "interest__name")
    )
    for profile_id, name in links:
        names[profile_id].append(name)
    for member in members:
        member.card_tags = names[member.pk][:DIRECTORY_CARD_TAGS]
    return members


def directory_profiles(
    *,
    viewer: User,
    query: str = "",
    interest_slugs: list[str] | None = None,
    specialty_slug: str = "",
    goal_slug: str = "",
) -> DirectoryResults:
    """Members a viewer can find in the directory, best matches first.

    Only public tags can be searched or filtered on: a sensitive tag in the URL
    matches nobody, so that nobody can probe who holds it.
    """
    profiles = _filtered(
        Profile.objects.filter(
            user__is_active=True, onboarded_at__isnull=False, listed_in_directory=True
        )
        .filter(visible_to(viewer))
        .exclude(user=viewer),
        interest_slugs=interest_slugs,
        specialty_slug=specialty_slug,
        goal_slug=goal_slug,
    )
    if profiles is None:
        return DirectoryResults(Profile.objects.none())
    profiles = profiles.order_by("display_name", "pk")
    query = query.strip()[:200]
    search_key = _search_key(
        query, sorted(interest_slugs or []), specialty_slug, goal_slug
    )
    if not query:
        return DirectoryResults(profiles, search_key=search_key)
    search = SearchQuery(query, config="english", search_type="websearch") | (
        SearchQuery(query, config="simple", search_type="websearch")
    )
    return DirectoryResults(
        profiles.filter(name_vector=search),
        profiles.filter(search_vector=search).exclude(name_vector=search),
        search_key=search_key,
    )


def _filtered(
    profiles: QuerySet[Profile],
    *,
    interest_slugs: list[str] | None,
    specialty_slug: str,
    goal_slug: str,
) -> QuerySet[Profile] | None:
    """The profiles holding every tag, of the specialty (or one under it) and with
    a goal of the kind asked for; None when a tag is not a public one."""
    if interest_slugs:
        # Tag ids, not slugs, in the member query: with a constant id PostgreSQL
        # knows how many members hold the tag and, for a popular one, walks the
        # directory in name order instead of sorting every holder.
        ids = dict(
            Interest.objects.public()
            .filter(slug__in=interest_slugs)
            .values_list("slug", "pk")
        )
        if any(slug not in ids for slug in interest_slugs):
            return None
        for slug in interest_slugs:
            profiles = profiles.filter(member_interests__interest_id=ids[slug])
    # Specialties and goal kinds are resolved to ids first, for the same reason as
    # tags, and because every extra join makes PostgreSQL plan a combined search
    # for longer than it runs it.
    if specialty_slug:
        specialty_ids = Specialty.objects.filter(
            Q(slug=specialty_slug) | Q(parent__slug=specialty_slug)
        ).values_list("pk", flat=True)
        profiles = profiles.filter(specialty_id__in=list(specialty_ids))
    if goal_slug:
        seekers_and_offerers = MemberGoal.objects.filter(
            kind_id__in=list(
                GoalKind.objects.filter(slug=goal_slug).values_list("pk", flat=True)
            )
        ).values("profile_id")
        profiles = profiles.filter(pk__in=seekers_and_offerers)
    return profiles


def _search_key(*criteria: object) -> str:
    """The same search by anyone: a viewer's own connections change a count by a
    handful, which matters nowhere near the cap."""
    return hashlib.sha256(json.dumps(criteria, sort_keys=True).encode()).hexdigest()


DIRECTORY_FILTERS_CACHE_KEY = "directory:popular-tags:v5"


@dataclass(frozen=True)
class FilterCategory:
    name: str
    # (slug, name, aliases joined by spaces), most picked first
    tags: tuple[tuple[str, str, str], ...]


def _directory_tag_filters() -> tuple[FilterCategory, ...]:
    return tuple(
        FilterCategory(
            name=category.name,
            tags=tuple((tag.slug, tag.name, " ".join(tag.aliases)) for tag in popular),
        )
        for category, popular in popular_interests_by_category(
            per_category=50, public_only=True
        )
    )


class DirectoryFilters(TypedDict):
    categories: tuple[FilterCategory, ...]
    specialties: QuerySet[Specialty, tuple[str, str]]  # (slug, name)
    goal_kinds: QuerySet[GoalKind, tuple[str, str]]  # (slug, name)


def directory_filters() -> DirectoryFilters:
    """The choices for the directory's filter form, as plain values.

    The most-picked tags are counted over every member's interests (a scan of the
    whole link table), so the list is cached for a few minutes: popularity does not
    change from one page view to the next. Curating a tag clears it. Plain tuples,
    not model instances: unpickling 250 tags on every page view cost more than the
    member query itself.
    """
    return {
        # The cache holds what the function returned.
        "categories": cast(
            tuple[FilterCategory, ...],
            cache.get_or_set(
                DIRECTORY_FILTERS_CACHE_KEY,
                _directory_tag_filters,
                POPULAR_TAGS_CACHE_SECONDS,
            ),
        ),
        "specialties": Specialty.objects.active().values_list("slug", "name"),
        "goal_kinds": GoalKind.objects.active().values_list("slug", "name"),
    }
