"""A member's data rights: download everything Grapevyne holds about them, or delete it.

Each app knows what it holds about a member, so each app contributes its own part,
the way each app registers its own admin classes. An app's ``privacy.py`` calls::

    from profiles.privacy import register

    register("introductions", export=intros_export, erase=intros_erase,
             covers=[Introduction, OutboxEmail, Feedback])

`member_export` and `member_delete` import every installed app's ``privacy`` module
once (``autodiscover_modules("privacy")``) and run what was registered. So profiles
never imports introductions or matching: they come to it, and the one-way
dependency matching → introductions → profiles holds.

A section is three things:

- ``export(*, profile) -> JSON-serialisable value``: that app's part of the download,
  under the section's name. Only what the member may see: another member's private
  data (their email before a connection, their answers, their decline reasons, their
  private interests) never enters it.
- ``erase(*, user, profile) -> None``: removes or scrubs that app's personal data
  about the member. It runs inside `member_delete`'s transaction *before* the user
  row is deleted, so it can still find the member's rows and act on them the way
  the app's own services would (withdrawing open intros, say) before the database's
  CASCADE / SET_NULL rules run. ``profile`` is None for a user who never got one.
  Sections erase in reverse order of registration (matching, then introductions,
  then profiles), so an app that depends on another cleans up first.
- ``covers``: the models holding a link to the user or profile that the section
  answers for. A test fails when a model links to a member but no section covers
  it, so that a new model gets a deliberate export and erase decision.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import (
    Block,
    CallWindow,
    Interest,
    MemberGoal,
    MemberInterest,
    Profile,
    SuppressedAddress,
    User,
)

FORMAT_VERSION = 1


class Exporter(Protocol):
    """An app's part of the download: a JSON-serialisable value (dates and times
    as objects, encoded by DjangoJSONEncoder)."""

    def __call__(self, *, profile: Profile) -> object: ...


class Eraser(Protocol):
    """Removes or scrubs an app's personal data about the member; ``profile`` is
    None for a user who never got one."""

    def __call__(self, *, user: User, profile: Profile | None) -> None: ...


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    erase: Eraser
    covers: tuple[type[models.Model], ...]


_registry: dict[str, Section] = {}
_discovered = False


def register(
    section_name: str,
    *,
    export: Exporter,
    erase: Eraser,
    covers: Iterable[type[models.Model]] = (),
) -> None:
    """Add an app's part of the export and of the deletion (see the module doc)."""
    if section_name in _registry and _registry[section_name].export is not export:
        raise ValueError(f"A privacy section {section_name!r} is already registered")
    _registry[section_name] = Section(section_name, export, erase, tuple(covers))


def sections() -> list[Section]:
    """Every registered section, in registration order (INSTALLED_APPS order)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True
    return list(_registry.values())


def member_export(*, profile: Profile) -> dict:
    """Everything Grapevyne holds about the member, ready for json.dumps with
    DjangoJSONEncoder (dates and times stay objects until then)."""
    data: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
    }
    for section in sections():
        data[section.name] = section.export(profile=profile)
    return data


@transaction.atomic
def member_delete(*, user: User) -> None:
    """Delete the member's account and personal data at once.

    What the other side of an introduction took part in stays, with this side NULL
    ("a former member"); everything else about the member is erased by the sections
    and then by deleting the user row, which cascades to the profile.
    """
    # Locked so that a concurrent edit or intro answer by the member waits for us.
    profile = Profile.objects.select_for_update().filter(user=user).first()
    for section in reversed(sections()):
        section.erase(user=user, profile=profile)
    user.delete()


# --- The profiles app's own section -----------------------------------------------

FORMER_MEMBER = "a former member"


def _account(profile: Profile) -> dict:
    user = profile.user
    return {
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "undeliverable_addresses": [
            {"email": s.email, "reason": s.get_reason_display(), "since": s.created_at}
            for s in SuppressedAddress.objects.filter(profile=profile).order_by("pk")
        ],
        # Which second factors are on, never their secrets.
        "second_factors": [
            {
                "type": a.get_type_display(),
                "created_at": a.created_at,
                "last_used_at": a.last_used_at,
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _profile(profile: Profile) -> dict:
    return {
        "display_name": profile.display_name,
        "role": profile.get_role_display() if profile.role else "",
        "specialty": profile.specialty.name if profile.specialty else "",
        "career_stage": (
            profile.get_career_stage_display() if profile.career_stage else ""
        ),
        "institution": profile.institution,
        "city": profile.city,
        "region": profile.region,
        "country": profile.country.code or "",
        "time_zone": profile.time_zone,
        "bio": profile.bio,
        "npi": profile.npi,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
        "onboarded_at": profile.onboarded_at,
        "last_intro_at": profile.last_intro_at,
        "privacy": {
            "profile_visibility": profile.get_profile_visibility_display(),
            "listed_in_directory": profile.listed_in_directory,
            "show_city": profile.show_city,
        },
        "introduction_preferences": {
            "frequency": profile.get_intro_frequency_display(),
            "paused_until": profile.paused_until,
            "max_open_intros": profile.max_open_intros,
            "prefer_other_specialties": profile.prefer_other_specialties,
            "meeting_minutes": profile.meeting_minutes,
        },
    }


def profiles_export(*, profile: Profile) -> dict:
    return {
        "account": _account(profile),
        "profile": _profile(profile),
        "call_windows": [
            {
                "weekday": w.get_weekday_display(),
                "start": w.start,
                "end": w.end,
                "time_zone": profile.time_zone,
            }
            for w in profile.call_windows.all()
        ],
        "interests": [
            {
                "name": link.interest.name,
                "category": link.interest.category.name,
                # Private: used for matching, never shown to anyone but the member.
                "sensitive": link.interest.sensitive,
                "added_at": link.created_at,
            }
            for link in MemberInterest.objects.filter(profile=profile)
            .select_related("interest__category")
            .order_by("interest__name")
        ],
        "goals": [
            {
                "direction": goal.get_direction_display(),
                "kind": goal.kind.name,
                "interest": goal.interest.name if goal.interest else None,
                "added_at": goal.created_at,
            }
            for goal in profile.goals.select_related("kind", "interest")
        ],
        "interests_suggested": [
            {"name": i.name, "status": i.get_status_display(), "at": i.created_at}
            for i in Interest.objects.filter(suggested_by=profile.user).order_by("pk")
        ],
        "blocks_made": [
            {"member": block.blocked.name, "at": block.created_at}
            for block in profile.blocks_made.select_related("blocked").order_by("pk")
        ],
    }


def _user_session_keys(user: User) -> list[str]:
    """Live sessions of the user. Django stores no user column, so each is decoded;
    an account deletion is rare enough to afford the scan."""
    keys = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            keys.append(session.session_key)
    return keys


def profiles_erase(*, user: User, profile: Profile | None) -> None:
    # Logged out everywhere, not just in the browser that asked.
    Session.objects.filter(session_key__in=_user_session_keys(user)).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # Suggested tags belong to the taxonomy now; only the link to the member goes.
    Interest.objects.filter(suggested_by=user).update(suggested_by=None)
    # The admin's history keeps what was done, not to whom.
    about_member = [(ContentType.objects.get_for_model(User), user.pk)]
    if profile is not None:
        about_member.append((ContentType.objects.get_for_model(Profile), profile.pk))
    for content_type, pk in about_member:
        LogEntry.objects.filter(content_type=content_type, object_id=str(pk)).update(
            object_repr=FORMER_MEMBER
        )
    # The profile, its interests, goals, call windows and blocks go with the user
    # row (CASCADE), deleted last by member_delete. A suppressed address stays
    # suppressed, unlinked from the member (SET_NULL): a spam complaint or a dead
    # mailbox must be honoured even if the address signs up again.


register(
    "profiles",
    export=profiles_export,
    erase=profiles_erase,
    covers=[
        User,
        Profile,
        MemberInterest,
        MemberGoal,
        CallWindow,
        Block,
        Interest,
        EmailAddress,
        Authenticator,
        LogEntry,
        SuppressedAddress,
    ],
)
