"""Members' answers to "Did you meet?", which the matching engine learns from."""

from django.db import transaction

from profiles.models import Profile

from ..models import Feedback, Introduction
from .lifecycle import IntroTransitionError, intro_locked, member_side


@transaction.atomic
def feedback_record(
    *, intro: Introduction, member: Profile, met: str, rating: int | None = None
) -> Feedback:
    """Store (or change) a member's "Did you meet?" answer for the matching engine."""
    intro = intro_locked(intro.pk)
    member_side(intro, member)
    if intro.state != Introduction.State.CONNECTED:
        raise IntroTransitionError(f"Intro {intro.pk} is not connected")
    if met not in Feedback.Met.values:
        raise ValueError(f"Unknown answer {met!r}")
    if rating is not None and not 1 <= rating <= 5:
        raise ValueError("A rating is from 1 to 5")
    feedback, _ = Feedback.objects.update_or_create(
        intro=intro, member=member, defaults={"met": met, "rating": rating}
    )
    return feedback
