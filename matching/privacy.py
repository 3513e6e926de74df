"""The matching part of a member's export and of their account deletion.

Registered with profiles.privacy (see its module doc for how sections work).
"""

from django.db.models import Q

from profiles.models import Profile, User
from profiles.privacy import register

from .models import (
    AutoPause,
    Candidate,
    LeftOut,
    Round,
    RoundPair,
    RoundSnapshot,
    WeightVersion,
)


def matching_export(*, profile: Profile) -> dict:
    """The rounds that chose the member, left them out or paused them.

    Whom a round paired them with is not shown: a pair that never became an offer
    (a dry run, a withdrawn proposal) names a member who was never told either.
    Their introductions, with whom, are in the introductions section.
    """
    pairs = (
        RoundPair.objects.filter(Q(member_a=profile) | Q(member_b=profile))
        .select_related("round")
        .order_by("round__created_at", "pk")
    )
    return {
        "rounds_paired": [
            {
                "round": p.round_id,
                "date": p.round.created_at,
                "dry_run": p.round.dry_run,
                "introduction": p.introduction_id,
            }
            for p in pairs
        ],
        "rounds_left_out": [
            {
                "round": lo.round_id,
                "date": lo.round.created_at,
                "reason": lo.get_reason_display(),
            }
            for lo in LeftOut.objects.filter(member=profile)
            .select_related("round")
            .order_by("round__created_at")
        ],
        "automatic_pauses": [
            {"round": ap.round_id, "at": ap.created_at}
            for ap in AutoPause.objects.filter(profile=profile).order_by("created_at")
        ],
        # Staff only: the score's weight versions they fitted or adopted.
        "weight_versions": [
            {
                "version": v.pk,
                "fitted_by_you": v.created_by_id == profile.user_id,
                "adopted_by_you": v.activated_by_id == profile.user_id,
            }
            for v in WeightVersion.objects.filter(
                Q(created_by_id=profile.user_id) | Q(activated_by_id=profile.user_id)
            ).order_by("pk")
        ],
    }


def matching_erase(*, user: User, profile: Profile | None) -> None:
    if profile is None:
        return
    RoundPair.objects.filter(Q(member_a=profile) | Q(member_b=profile)).delete()
    LeftOut.objects.filter(member=profile).delete()
    AutoPause.objects.filter(profile=profile).delete()
    # Candidates hold profile ids without a foreign key (written by COPY), so no
    # CASCADE reaches them.
    Candidate.objects.filter(
        Q(member_id=profile.pk) | Q(candidate_id=profile.pk)
    ).delete()
    # A finished round's snapshot is never read again but holds every member's tags,
    # private ones included; a running or failed round still needs its own.
    RoundSnapshot.objects.filter(round__status=Round.Status.DONE).delete()


register(
    "matching",
    export=matching_export,
    erase=matching_erase,
    # Weight versions keep who fitted or adopted them until that account goes
    # (SET_NULL), as the moderation log keeps its admin.
    covers=[RoundPair, LeftOut, AutoPause, WeightVersion],
)
