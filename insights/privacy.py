"""The insights part of a member's export and of their account deletion.

Registered with profiles.privacy (see its module doc for how sections work). The
insights tables hold counts derived from the member's intros, and whether they
are among the members waiting longest; nothing else about them.
"""

from profiles.models import Profile, User
from profiles.privacy import register

from .models import MemberExposure, WaitingMember


def insights_export(*, profile: Profile) -> dict:
    exposure = MemberExposure.objects.filter(profile=profile).first()
    waiting = WaitingMember.objects.filter(profile=profile).first()
    return {
        "introductions_counted": {
            "all": exposure.intros,
            "offered": exposure.offered,
            "connected": exposure.connected,
        }
        if exposure
        else None,
        "among_members_waiting_longest_since": waiting.waiting_since
        if waiting
        else None,
    }


def insights_erase(*, user: User, profile: Profile | None) -> None:
    if profile is None:
        return
    MemberExposure.objects.filter(profile=profile).delete()
    WaitingMember.objects.filter(profile=profile).delete()


register(
    "insights",
    export=insights_export,
    erase=insights_erase,
    covers=[MemberExposure, WaitingMember],
)
