"""Pausing members who ignore their offers, and undoing it from the email's link."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from introductions import emails, outbox, tokens
from introductions.models import OutboxEmail
from profiles.models import Profile
from profiles.services import profile_resume

from .. import selectors
from ..models import AutoPause, Round

logger = logging.getLogger(__name__)


@transaction.atomic
def members_auto_pause(
    *, round_: Round | None = None, now: datetime | None = None
) -> list[int]:
    """Pause every member who ignored their last offers, and tell them how to resume.

    An offer nobody answers is an introduction wasted for the other member too.
    Which offers count as ignored is `selectors.members_to_auto_pause`. The email is
    written to the outbox in this same transaction, so it is sent (and retried)
    exactly like every other email, and never lost with a failed send.
    """
    profile_ids = selectors.members_to_auto_pause(now=now)
    if not profile_ids:
        return []
    # Locked, so that the sweep and a round starting at the same moment cannot both
    # pause (and email) one member: the second sees the row already paused.
    paused = list(
        Profile.objects.filter(pk__in=profile_ids)
        .exclude(intro_frequency=Profile.Frequency.PAUSED)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    Profile.objects.filter(pk__in=paused).update(
        intro_frequency=Profile.Frequency.PAUSED, updated_at=timezone.now()
    )
    pauses = AutoPause.objects.bulk_create(
        [AutoPause(profile_id=pk, round=round_) for pk in paused]
    )
    for pause in pauses:
        auto_pause_email_enqueue(auto_pause=pause)
    logger.info("Paused %d members who ignored their last offers", len(paused))
    return paused


def auto_pause_email_enqueue(*, auto_pause: AutoPause) -> None:
    """The "we paused your introductions" email, with a one-click resume link."""
    profile = Profile.objects.select_related("user").get(pk=auto_pause.profile_id)
    token = tokens.make_token(
        action=tokens.RESUME, member_id=profile.pk, ref=auto_pause.pk
    )
    rendered = emails.render_auto_pause(
        profile,
        resume_url=emails.absolute(reverse("matching_resume", args=[token])),
        expired=settings.MATCHING_AUTO_PAUSE_AFTER,
    )
    outbox.outbox_enqueue(
        kind=OutboxEmail.Kind.AUTO_PAUSE,
        event_key=f"auto-pause:{auto_pause.pk}",
        rendered=rendered,
        recipient=profile,
    )


class AlreadyResumed(Exception):
    """This pause was undone already (by its link, or by the member)."""


@transaction.atomic
def auto_pause_resume(*, auto_pause: AutoPause) -> None:
    """Undo one auto-pause from its email link: once, and only while it holds.

    A member who resumed meanwhile, or was auto-paused again since, is not
    changed by an old link.
    """
    pause = AutoPause.objects.select_for_update().get(pk=auto_pause.pk)
    profile = Profile.objects.select_for_update().get(pk=pause.profile_id)
    newer = AutoPause.objects.filter(
        profile_id=pause.profile_id, created_at__gt=pause.created_at
    ).exists()
    if pause.resumed_at is not None or newer or not profile.is_paused():
        raise AlreadyResumed(f"Auto-pause {pause.pk} no longer holds")
    profile_resume(profile=profile)
    pause.resumed_at = timezone.now()
    pause.save(update_fields=["resumed_at"])
