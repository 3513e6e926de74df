"""Writes to a member's profile: save, onboarding, pause and resume, the
directory's search documents, when they were last introduced."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from ..models import (
    Interest,
    Profile,
    User,
)
from ..validators import validate_pause_end

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
