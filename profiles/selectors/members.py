"""One member as another sees them: which profiles a viewer may see, what of a
profile is shown to whom, blocks, and what the dashboard offers them."""

from functools import cached_property

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)

from .. import connections
from ..models import (
    Block,
    MemberGoal,
    Profile,
    Resource,
    SuppressedAddress,
    User,
)
from .interests import public_interests_prefetch


def goals_prefetch() -> "Prefetch[str, QuerySet[MemberGoal], str]":
    return Prefetch(
        "goals",
        queryset=MemberGoal.objects.select_related("kind", "interest"),
        to_attr="goal_list",
    )


def visible_to(viewer: User) -> Q:
    """Profiles the viewer may see: open ones, and closed ones they are connected to.

    The viewer's connections are read first (a handful of ids): a constant list
    lets PostgreSQL estimate and plan the directory query, where subqueries inside
    the OR made it scan every profile.
    """
    connected = connections.connected_profile_ids(user=viewer)
    open_profiles = Q(profile_visibility=Profile.Visibility.MEMBERS)
    return open_profiles | Q(pk__in=connected) if connected else open_profiles


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
        .filter(Q(user=viewer) | visible_to(viewer))
        .select_related("specialty")
        .prefetch_related(public_interests_prefetch(), goals_prefetch())
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
