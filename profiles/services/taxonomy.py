"""Curating the interest taxonomy: suggestions, edits, approval, retirement and
merges."""

from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..models import (
    Interest,
    InterestCategory,
    MemberGoal,
    MemberInterest,
    User,
)
from ..selectors import DIRECTORY_FILTERS_CACHE_KEY, PICKER_POPULAR_CACHE_KEY
from .profile import profiles_refresh_search_vectors


def _unique_slug(name: str) -> str:
    base = slugify(name)[:80] or "interest"
    slug, n = base, 2
    while Interest.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def interest_suggest(
    *, user: User, name: str, category: InterestCategory, description: str = ""
) -> Interest:
    """A member suggests a new tag; it waits, pending, in the admins' queue."""
    name = " ".join(name.split())
    existing = Interest.objects.filter(name__iexact=name).exclude(
        status=Interest.Status.RETIRED
    )
    if existing.filter(status=Interest.Status.ACTIVE).exists():
        raise ValidationError(f"“{name}” already exists: pick it from the list.")
    if existing.filter(status=Interest.Status.PENDING).exists():
        raise ValidationError(f"“{name}” has already been suggested and awaits review.")
    return Interest.objects.create(
        name=name,
        slug=_unique_slug(name),
        category=category,
        description=description,
        status=Interest.Status.PENDING,
        suggested_by=user,
    )


def _forget_directory_filters() -> None:
    """The directory's tag filters and the picker's popular tags are cached: show a
    curated change at once."""
    transaction.on_commit(
        lambda: cache.delete_many(
            [DIRECTORY_FILTERS_CACHE_KEY, PICKER_POPULAR_CACHE_KEY]
        )
    )


@transaction.atomic
def interest_update(*, interest: Interest, changed: Iterable[str]) -> Interest:
    """Save a tag an admin edited, and what the directory shows of it.

    Holders' search documents hold the tag's name unless it is sensitive: a
    renamed tag must find them by its new name, a tag made sensitive must stop
    finding them at once.
    """
    interest.save()
    _forget_directory_filters()
    if {"name", "aliases", "sensitive"} & set(changed):
        profiles_refresh_search_vectors(
            profile_ids=interest.member_links.values_list("profile_id", flat=True)
        )
    return interest


@transaction.atomic
def interest_approve(*, interest: Interest) -> None:
    _forget_directory_filters()
    if interest.status != Interest.Status.PENDING:
        raise ValidationError(f"“{interest}” is not a pending suggestion.")
    if Interest.objects.active().filter(name__iexact=interest.name).exists():
        raise ValidationError(
            f"An active tag named “{interest}” exists: merge the suggestion into it."
        )
    interest.status = Interest.Status.ACTIVE
    interest.save(update_fields=["status"])


@transaction.atomic
def interest_retire(*, interest: Interest) -> None:
    """Retire a tag: members keep nothing pointing at a tag nobody can pick."""
    _forget_directory_filters()
    affected = list(interest.member_links.values_list("profile_id", flat=True))
    interest.status = Interest.Status.RETIRED
    interest.save(update_fields=["status"])
    interest.member_links.all().delete()
    MemberGoal.objects.filter(interest=interest).update(interest=None)
    profiles_refresh_search_vectors(profile_ids=affected)


@transaction.atomic
def interest_merge(*, source: Interest, target: Interest) -> int:
    """Merge `source` into `target`, atomically.

    Every member link moves to the surviving tag (members who had both keep one),
    goals tied to the source follow, and the source is retired with a pointer to the
    target so that its old address redirects. Returns the number of links moved.
    """
    _forget_directory_filters()
    if source.pk == target.pk:
        raise ValidationError("A tag cannot be merged into itself.")
    if target.status != Interest.Status.ACTIVE:
        raise ValidationError(f"“{target}” is not active: merge into an active tag.")
    # Lock both rows in id order so concurrent merges cannot deadlock.
    list(
        Interest.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    )
    already = MemberInterest.objects.filter(interest=target).values("profile_id")
    source_links = MemberInterest.objects.filter(interest=source)
    affected = list(source_links.values_list("profile_id", flat=True))
    source_links.filter(profile_id__in=already).delete()
    moved = source_links.update(interest=target)

    for goal in MemberGoal.objects.filter(interest=source):
        duplicate = MemberGoal.objects.filter(
            profile_id=goal.profile_id,
            direction=goal.direction,
            kind_id=goal.kind_id,
            interest=target,
        ).exists()
        if duplicate:
            goal.delete()
        else:
            goal.interest = target
            goal.save(update_fields=["interest"])

    # Earlier merges into the source now point at the survivor: redirects stay one hop.
    Interest.objects.filter(merged_into=source).update(merged_into=target)
    source.status = Interest.Status.RETIRED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into"])
    profiles_refresh_search_vectors(profile_ids=affected)
    return moved
