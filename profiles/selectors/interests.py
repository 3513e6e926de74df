"""Reads of the interest taxonomy: a member's tags, the tag search, the popular
tags per category (the picker's, kept in the cache)."""

import re
from dataclasses import dataclass
from typing import cast

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

from ..models import (
    Interest,
    InterestCategory,
    Profile,
)


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


# How long the popular tags per category are kept (the picker's and the
# directory's filters); curating a tag clears them at once. Their keys name the
# version of what is pickled under them (classes of profiles.selectors and
# profiles.models), bumped when those move, so no process unpickles another
# release's classes.
POPULAR_TAGS_CACHE_SECONDS = 600
PICKER_POPULAR_CACHE_KEY = "picker:popular-tags:v2"


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
            PICKER_POPULAR_CACHE_KEY, _picker_popular, POPULAR_TAGS_CACHE_SECONDS
        ),
    )
