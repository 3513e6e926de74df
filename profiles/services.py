"""Writes to member profiles and the interest taxonomy."""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Block,
    GoalKind,
    Interest,
    InterestCategory,
    MemberGoal,
    MemberInterest,
    Profile,
    SuppressedAddress,
    User,
)
from .selectors import DIRECTORY_FILTERS_CACHE_KEY, PICKER_POPULAR_CACHE_KEY
from .validators import validate_pause_end

# The directory's full-text documents (the whole public profile, and name plus
# specialty alone). Names use the 'simple' configuration so that surnames are not
# stemmed; the rest is English. Tags enter with their aliases, so that "EHR" finds
# the members of the EMR tags. Sensitive tags never enter them, nor a place the
# member does not show (selectors.ShownProfile).
_SEARCH_VECTOR_SQL = """
UPDATE profiles_profile AS p
SET search_vector =
    to_tsvector('simple', coalesce(p.display_name, ''))
    || to_tsvector('english', concat_ws(' ', s.name,
        (
            SELECT string_agg(
                concat_ws(' ', i.name, array_to_string(i.aliases, ' ')), ' '
            )
            FROM profiles_memberinterest mi
            JOIN profiles_interest i ON i.id = mi.interest_id
            WHERE mi.profile_id = p.id AND i.status = %(active)s AND NOT i.sensitive
        ),
        (
            SELECT string_agg(k.name, ' ')
            FROM profiles_membergoal g
            JOIN profiles_goalkind k ON k.id = g.kind_id
            WHERE g.profile_id = p.id
        ),
        p.institution, CASE WHEN p.show_city THEN concat_ws(' ', p.city, p.region) END,
        p.bio))
    , name_vector =
    to_tsvector('simple', coalesce(p.display_name, ''))
    || to_tsvector('english', coalesce(s.name, ''))
FROM profiles_profile AS p2
LEFT JOIN profiles_specialty AS s ON s.id = p2.specialty_id
WHERE p.id = p2.id AND p.id = ANY(%(ids)s)
"""


def profiles_refresh_search_vectors(*, profile_ids: Iterable[int]) -> None:
    """Recompute the directory search document of the given profiles in one query."""
    ids = list(profile_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _SEARCH_VECTOR_SQL, {"ids": ids, "active": Interest.Status.ACTIVE}
        )


def profiles_mark_introduced(*, profile_ids: Iterable[int], at: datetime) -> None:
    """Set last_intro_at of these profiles in one statement, however many (a
    round marks everyone it introduced at once)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE profiles_profile p SET last_intro_at = %s"
            " FROM unnest(%s::bigint[]) AS u(id) WHERE p.id = u.id",
            [at, list(profile_ids)],
        )


def profile_get_or_create(*, user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_save(*, profile: Profile) -> Profile:
    """Save a profile edited through a form and keep its search document current."""
    profile.save()
    profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return profile


@transaction.atomic
def profile_complete_onboarding(*, profile: Profile) -> None:
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["onboarded_at", "updated_at"])


@transaction.atomic
def profile_pause(*, profile: Profile, until: date | None = None) -> Profile:
    """Pause introductions until a date, or indefinitely when no date is given."""
    validate_pause_end(until)
    if until is None:
        profile.intro_frequency = Profile.Frequency.PAUSED
        profile.paused_until = None
    else:
        profile.paused_until = until
    profile.save(update_fields=["intro_frequency", "paused_until", "updated_at"])
    return profile


@transaction.atomic
def profile_resume(*, profile: Profile) -> Profile:
    if profile.intro_frequency == Profile.Frequency.PAUSED:
        profile.intro_frequency = Profile.Frequency.BIWEEKLY
    profile.paused_until = None
    profile.save(update_fields=["intro_frequency", "paused_until", "updated_at"])
    return profile


# --- Undeliverable addresses ---------------------------------------------------


@transaction.atomic
def address_suppress(
    *, email: str, reason: str, detail: str = "", now: datetime | None = None
) -> tuple[SuppressedAddress, bool]:
    """Stop all email to an address the provider reported dead or unwilling.

    The member whose login it is gets introductions paused (their frequency kept
    to give back when they fix the address). Returns the row and whether this call
    created it: a second report of the same address changes nothing.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    suppression, created = SuppressedAddress.objects.get_or_create(
        email=email, defaults={"reason": reason, "detail": detail, "created_at": now}
    )
    if not created:
        return suppression, False
    profile = (
        Profile.objects.select_for_update().filter(user__email__iexact=email).first()
    )
    if profile is not None:
        suppression.profile = profile
        suppression.frequency_before = profile.intro_frequency
        suppression.save(update_fields=["profile", "frequency_before"])
        profile.intro_frequency = Profile.Frequency.PAUSED
        profile.save(update_fields=["intro_frequency", "updated_at"])
    return suppression, True


@transaction.atomic
def address_confirmed(*, user: User, email: str, now: datetime | None = None) -> None:
    """A member proved they read an address again (allauth's confirmation).

    That address is deliverable again, whatever was reported before; and when the
    login address is now a working one, the member's problem is solved: the banner
    goes and introductions resume as they were before the pause. An old dead
    address stays suppressed.
    """
    now = now or timezone.now()
    open_problems = list(
        SuppressedAddress.objects.select_for_update()
        .filter(profile__user=user, resolved_at__isnull=True)
        .order_by("created_at")
    )
    SuppressedAddress.objects.filter(email=email.strip().lower()).delete()
    user.refresh_from_db(fields=["email"])
    if (
        not open_problems
        or SuppressedAddress.objects.filter(email=user.email.lower()).exists()
    ):
        return
    SuppressedAddress.objects.filter(pk__in=[s.pk for s in open_problems]).update(
        resolved_at=now
    )
    # The first problem's "before" is the member's own choice; a later one may have
    # found them paused by the first.
    before = open_problems[0].frequency_before
    profile = Profile.objects.select_for_update().get(user=user)
    if (
        profile.intro_frequency == Profile.Frequency.PAUSED
        and before
        and before != Profile.Frequency.PAUSED
    ):
        profile.intro_frequency = before
        profile.save(update_fields=["intro_frequency", "updated_at"])


@transaction.atomic
def member_interest_add(*, profile: Profile, interest: Interest) -> None:
    """Add a tag to a member's interests, within the allowed maximum."""
    if interest.status != Interest.Status.ACTIVE:
        raise ValidationError("This interest is not available.")
    # Lock the profile row so that two quick clicks cannot both pass the limit.
    Profile.objects.select_for_update().only("pk").get(pk=profile.pk)
    if profile.member_interests.filter(interest=interest).exists():
        return
    if profile.member_interests.count() >= settings.MAX_INTERESTS:
        raise ValidationError(
            f"You can pick at most {settings.MAX_INTERESTS} interests. "
            "Remove one to add another."
        )
    MemberInterest.objects.create(profile=profile, interest=interest)
    profiles_refresh_search_vectors(profile_ids=[profile.pk])


@transaction.atomic
def member_interest_remove(*, profile: Profile, interest: Interest) -> None:
    profile.member_interests.filter(interest=interest).delete()
    # A goal about an interest the member dropped keeps the goal, not the tie.
    profile.goals.filter(interest=interest).update(interest=None)
    profiles_refresh_search_vectors(profile_ids=[profile.pk])


@transaction.atomic
def member_goal_add(
    *,
    profile: Profile,
    kind: GoalKind,
    direction: str,
    interest: Interest | None = None,
) -> MemberGoal:
    if (
        interest is not None
        and not profile.member_interests.filter(interest=interest).exists()
    ):
        raise ValidationError("A goal can only be tied to one of your own interests.")
    if profile.goals.filter(direction=direction).count() >= (
        settings.MAX_GOALS_PER_DIRECTION
    ):
        raise ValidationError(
            f"You can list at most {settings.MAX_GOALS_PER_DIRECTION} goals here."
        )
    goal, _ = MemberGoal.objects.get_or_create(
        profile=profile, kind=kind, direction=direction, interest=interest
    )
    profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return goal


@transaction.atomic
def member_goal_remove(*, goal: MemberGoal) -> None:
    profile_id = goal.profile_id
    goal.delete()
    profiles_refresh_search_vectors(profile_ids=[profile_id])


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


# --- Blocks ------------------------------------------------------------------------


class SelfBlock(ValueError):
    """A member tried to block themselves; the message is safe to show them."""


@transaction.atomic
def block_create(
    *, blocker: Profile, blocked: Profile, now: datetime | None = None
) -> Block:
    """One member never wants to be introduced to the other, either way.

    Blocking twice is harmless. The blocked member is told nothing. What a block
    ends elsewhere (open introductions) is for the apps that own it.
    """
    if blocker.pk == blocked.pk:
        raise SelfBlock("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(
        blocker=blocker, blocked=blocked, defaults={"created_at": now or timezone.now()}
    )
    return block


@transaction.atomic
def block_remove(*, blocker: Profile, blocked: Profile) -> bool:
    """Lift a block; True when there was one."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)
