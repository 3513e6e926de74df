"""Reads of member profiles and the interest taxonomy."""

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TypedDict, cast

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from . import connections
from .models import (
    Block,
    GoalKind,
    Interest,
    InterestCategory,
    MemberGoal,
    MemberInterest,
    Profile,
    Resource,
    Specialty,
    SuppressedAddress,
    User,
)


@dataclass(frozen=True)
class MissingStep:
    """One thing a profile lacks, and the address of the form that adds it."""

    label: str
    url: str


@dataclass(frozen=True)
class Completeness:
    percent: int
    steps: list[MissingStep]

    @property
    def missing(self) -> list[str]:
        return [step.label for step in self.steps]

    @property
    def is_complete(self) -> bool:
        return not self.steps


def profile_completeness(*, profile: Profile) -> Completeness:
    """How far a member is from a profile the matching engine can use well, and
    where each missing piece is added: the onboarding step while the member has not
    finished onboarding, the profile tab (at the very field) after.

    Interests weigh most: without at least three, a member cannot be matched.
    """
    interest_count = profile.member_interests.filter(
        interest__status=Interest.Status.ACTIVE
    ).count()
    goal_count = profile.goals.count()
    onboarding = profile.onboarded_at is None
    about = reverse("onboarding_about" if onboarding else "profile_edit")
    checks = [
        (bool(profile.display_name), 10, "your name", f"{about}#id_display_name"),
        (bool(profile.role), 10, "your role", f"{about}#id_role"),
        (
            profile.specialty_id is not None,
            10,
            "your specialty",
            f"{about}#id_specialty",
        ),
        (
            bool(profile.city and profile.country),
            5,
            "where you are",
            f"{about}#id_city",
        ),
        (bool(profile.bio), 10, "a short bio", f"{about}#id_bio"),
        (
            interest_count >= settings.MIN_INTERESTS,
            35,
            f"at least {settings.MIN_INTERESTS} interests",
            reverse("onboarding_interests" if onboarding else "profile_interests"),
        ),
        (
            goal_count > 0,
            15,
            "what you seek or offer",
            reverse("onboarding_goals" if onboarding else "profile_goals"),
        ),
        (
            profile.call_windows.exists(),
            5,
            "when you can take a call",
            reverse("profile_preferences") + "#call-windows",
        ),
    ]
    percent = sum(weight for done, weight, _, _ in checks if done)
    steps = [MissingStep(label, url) for done, _, label, url in checks if not done]
    return Completeness(percent=percent, steps=steps)


def member_interests(*, profile: Profile) -> QuerySet[Interest]:
    """A member's own interests, sensitive ones included (for their eyes only)."""
    return (
        Interest.objects.filter(member_links__profile=profile)
        .select_related("category")
        .order_by("category__position", "name")
    )


def tag_query(raw: str) -> str:
    """A tag search as typed, tidied: PostgreSQL text cannot hold NUL, and no tag
    name is longer than 80 characters."""
    return " ".join(raw.replace("\x00", " ").split())[:80]


def interest_search(
    *, query: str, exclude_profile: Profile | None = None, limit: int = 12
) -> QuerySet[Interest]:
    """Active tags with a word starting with the query, names matching first.

    Matching at word starts keeps "AI" from finding "Department chair". A tag's
    aliases count like its name ("EHR" finds "Epic optimization"), so a tag
    whose alias is exactly the query ranks with the names that start with it.
    """
    query = tag_query(query)
    tags = Interest.objects.active().select_related("category")
    if query:
        word_start = r"\m" + re.escape(query)
        alias_text = Func(
            F("aliases"),
            Value(" | "),
            function="array_to_string",
            output_field=CharField(),
        )
        tags = (
            tags.annotate(alias_text=alias_text)
            .filter(
                Q(name__iregex=word_start)
                | Q(alias_text__iregex=word_start)
                | Q(description__iregex=word_start)
            )
            .annotate(
                rank=Case(
                    When(name__istartswith=query, then=0),
                    When(alias_text__iregex=_whole_alias(query), then=0),
                    When(name__iregex=word_start, then=1),
                    When(alias_text__iregex=word_start, then=1),
                    default=2,
                )
            )
        )
    else:
        tags = tags.annotate(rank=Value(0))
    if exclude_profile is not None:
        tags = tags.exclude(member_links__profile=exclude_profile)
    return tags.order_by("rank", "name")[:limit]


def _whole_alias(query: str) -> str:
    """A regex for one whole alias in the " | "-joined list."""
    return r"(^|\| )" + re.escape(query) + r"($| \|)"


def popular_interests_by_category(
    *, per_category: int = 6, public_only: bool = False
) -> list[tuple[InterestCategory, list[Interest]]]:
    """Each category that has active tags, with its most-picked ones (two queries)."""
    categories = list(InterestCategory.objects.all())
    tags = Interest.objects.public() if public_only else Interest.objects.active()
    tags = tags.annotate(member_count=Count("member_links")).order_by(
        "category_id", "-member_count", "name"
    )
    by_category: dict[int, list[Interest]] = {}
    for tag in tags:
        bucket = by_category.setdefault(tag.category_id, [])
        if len(bucket) < per_category:
            bucket.append(tag)
    return [
        (category, by_category[category.pk])
        for category in categories
        if by_category.get(category.pk)
    ]


def public_interests_prefetch() -> "Prefetch[str, QuerySet[Interest], str]":
    return Prefetch(
        "interests",
        queryset=Interest.objects.public().order_by("name"),
        to_attr="public_interests",
    )


def _goals_prefetch() -> "Prefetch[str, QuerySet[MemberGoal], str]":
    return Prefetch(
        "goals",
        queryset=MemberGoal.objects.select_related("kind", "interest"),
        to_attr="goal_list",
    )


def _visible_to(viewer: User) -> Q:
    """Profiles the viewer may see: open ones, and closed ones they are connected to.

    The viewer's connections are read first (a handful of ids): a constant list
    lets PostgreSQL estimate and plan the directory query, where subqueries inside
    the OR made it scan every profile.
    """
    connected = connections.connected_profile_ids(user=viewer)
    open_profiles = Q(profile_visibility=Profile.Visibility.MEMBERS)
    return open_profiles | Q(pk__in=connected) if connected else open_profiles


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
    profiles = (
        Profile.objects.filter(
            user__is_active=True, onboarded_at__isnull=False, listed_in_directory=True
        )
        .filter(_visible_to(viewer))
        .exclude(user=viewer)
    )
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
            return DirectoryResults(Profile.objects.none())
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


def _search_key(*criteria: object) -> str:
    """The same search by anyone: a viewer's own connections change a count by a
    handful, which matters nowhere near the cap."""
    return hashlib.sha256(json.dumps(criteria, sort_keys=True).encode()).hexdigest()


DIRECTORY_FILTERS_CACHE_SECONDS = 600
DIRECTORY_FILTERS_CACHE_KEY = "directory:popular-tags:v4"


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
                DIRECTORY_FILTERS_CACHE_SECONDS,
            ),
        ),
        "specialties": Specialty.objects.active().values_list("slug", "name"),
        "goal_kinds": GoalKind.objects.active().values_list("slug", "name"),
    }


PICKER_POPULAR_CACHE_KEY = "picker:popular-tags:v1"


@dataclass(frozen=True)
class PopularTag:
    pk: int
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class PopularCategory:
    name: str
    popular: tuple[PopularTag, ...]  # most picked first


def _picker_popular() -> tuple[PopularCategory, ...]:
    return tuple(
        PopularCategory(
            name=category.name,
            popular=tuple(
                PopularTag(
                    pk=tag.pk, slug=tag.slug, name=tag.name, description=tag.description
                )
                for tag in popular
            ),
        )
        for category, popular in popular_interests_by_category()
    )


def picker_popular() -> tuple[PopularCategory, ...]:
    """The tag picker's most-picked tags in each category, sensitive ones included.

    Counted over the whole link table like the directory's filters, and cached and
    cleared with them. Every member sees the same list; the picker hides their own.
    """
    return cast(
        tuple[PopularCategory, ...],
        cache.get_or_set(
            PICKER_POPULAR_CACHE_KEY, _picker_popular, DIRECTORY_FILTERS_CACHE_SECONDS
        ),
    )


class ShownProfile:
    """What of a member's profile one reader may see: the one rule behind every
    page, email and export that describes a member to someone else.

    Whether the reader may see the member at all is profile_for_member's
    business; this decides the fields. The city and region are shown to others
    only when the member chose "show my city". Each field is read when asked for,
    so a directory card loaded with a few columns loads no more.
    """

    def __init__(self, profile: Profile, reader: User | Profile | None) -> None:
        self._profile = profile
        self._reader = reader

    def _is_self(self) -> bool:
        reader = self._reader
        if isinstance(reader, Profile):
            return reader.pk == self._profile.pk
        return reader is not None and reader.pk == self._profile.user_id

    @cached_property
    def shows_place(self) -> bool:
        return self._profile.show_city or self._is_self()

    @property
    def name(self) -> str:
        return self._profile.name

    @property
    def role(self) -> str:
        return self._profile.get_role_display() if self._profile.role else ""

    @property
    def specialty(self) -> str:
        specialty = self._profile.specialty
        return specialty.name if specialty else ""

    @property
    def institution(self) -> str:
        return self._profile.institution

    @property
    def city(self) -> str:
        return self._profile.city if self.shows_place else ""

    @property
    def region(self) -> str:
        return self._profile.region if self.shows_place else ""

    @property
    def country(self) -> str:
        country = self._profile.country
        return country.name if country else ""

    @property
    def bio(self) -> str:
        return self._profile.bio


def profile_shown(*, profile: Profile, reader: User | Profile | None) -> ShownProfile:
    """What of `profile` this reader may see (see ShownProfile)."""
    return ShownProfile(profile, reader)


def profile_for_member(*, viewer: User, pk: int) -> Profile | None:
    """A member's profile as another member may see it (never their email)."""
    return (
        Profile.objects.filter(pk=pk, user__is_active=True)
        .filter(Q(user=viewer) | _visible_to(viewer))
        .select_related("specialty")
        .prefetch_related(public_interests_prefetch(), _goals_prefetch())
        .first()
    )


def dashboard_resources(*, profile: Profile) -> list[Resource]:
    """Resources for the well-being categories the member picked a tag in."""
    return list(
        Resource.objects.filter(
            category__is_wellbeing=True,
            category__interests__member_links__profile=profile,
        )
        .distinct()
        .order_by("position", "title")
    )


def member_email_problem(*, profile: Profile) -> SuppressedAddress | None:
    """Why email cannot reach this member, while they have not fixed it."""
    return (
        SuppressedAddress.objects.filter(profile=profile, resolved_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def has_blocked(*, user: User, blocked: Profile) -> bool:
    """Whether the user's member blocked `blocked`."""
    return Block.objects.filter(blocker__user=user, blocked=blocked).exists()


def blocked_either_way(*, a_id: int | None, b_id: int | None) -> bool:
    """Whether either of the two members blocked the other."""
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()
