"""Introductions a member asks for, rather than the matching engine."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from profiles import selectors as profile_selectors
from profiles.models import Interest, Profile

from .. import outbox
from ..explanations import Explanation
from ..models import Introduction, OutboxEmail


class IntroRequestRefused(Exception):
    """A member may not ask for this introduction; the message is safe to show."""


@transaction.atomic
def intro_request(
    *, requester: Profile, other: Profile, note: str, now: datetime | None = None
) -> Introduction:
    """A member asks to be introduced: their yes is given, the other gets the offer.

    Refused, with one neutral message that reveals neither a block nor a pause,
    when either blocked the other, when the other is paused, when an earlier
    offer between them was declined (by either) or expired, when a pair is
    already open, or when the other's weekly email budget is spent; and past the
    weekly request limit.
    """
    now = now or timezone.now()
    if requester.pk == other.pk:
        raise IntroRequestRefused("You cannot ask to be introduced to yourself.")
    # One request at a time per requester, so two tabs cannot beat the weekly limit,
    # and per pair, so two members asking for each other queue here: both rows, in
    # id order, or each would hold one and wait for the other (a deadlock).
    list(
        Profile.objects.select_for_update()
        .filter(pk__in=[requester.pk, other.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    recent = Introduction.objects.filter(
        requested_by=requester, created_at__gte=now - timedelta(days=7)
    ).count()
    if recent >= settings.INTRO_REQUESTS_PER_WEEK:
        raise IntroRequestRefused(
            f"You can ask for {settings.INTRO_REQUESTS_PER_WEEK} introductions a "
            "week; please try again in a few days."
        )
    if _refused(requester=requester, other=other, now=now):
        raise IntroRequestRefused(
            f"We cannot introduce you to {other.name} at the moment."
        )
    try:
        # A matching round may propose the same pair meanwhile (it does not lock
        # profiles): the one-open-intro-per-pair constraint decides.
        with transaction.atomic():
            intro = _create_requested(requester, other, note, now)
    except IntegrityError as exc:
        raise IntroRequestRefused(
            f"We cannot introduce you to {other.name} at the moment."
        ) from exc
    intro = Introduction.objects.select_related(
        "member_a__user", "member_a__specialty", "member_b__user", "member_b__specialty"
    ).get(pk=intro.pk)
    outbox.outbox_enqueue_intro_email(
        intro=intro,
        recipient=intro.counterpart(requester),
        kind=OutboxEmail.Kind.OFFER,
        now=now,
    )
    return intro


def _refused(*, requester: Profile, other: Profile, now: datetime) -> bool:
    """Whether to refuse, for any of the reasons the one neutral message covers."""
    a, b = sorted((requester, other), key=lambda p: p.pk)
    pair = Introduction.objects.filter(member_a=a, member_b=b)
    other_side = "a" if other.pk == a.pk else "b"
    # Never again after an offer that did not lead to a connection, whoever said
    # no or nothing: refusing only after the other's decline would tell the
    # requester that they declined.
    declined_before = pair.filter(
        Q(**{f"{other_side}_response": Introduction.Response.DECLINED})
        | Q(state__in=[Introduction.State.DECLINED, Introduction.State.EXPIRED])
    ).exists()
    blocked = profile_selectors.blocked_either_way(a_id=requester.pk, b_id=other.pk)
    return (
        blocked
        or declined_before
        or not other.user.is_active
        or other.is_paused(now.date())
        or outbox.address_is_suppressed(other.user.email)
        or outbox.email_budget_spent(recipient=other, now=now)
        or pair.filter(state__in=Introduction.OPEN_STATES).exists()
    )


def _create_requested(
    requester: Profile, other: Profile, note: str, now: datetime
) -> Introduction:
    """The intro, already accepted by its requester and offered to the other."""
    a, b = sorted((requester, other), key=lambda p: p.pk)
    side = "a" if requester.pk == a.pk else "b"
    return Introduction.objects.create(
        member_a=a,
        member_b=b,
        state=Introduction.State.ACCEPTED_ONE,
        requested_by=requester,
        note=note.strip(),
        explanation=Explanation(
            shared_interests=_shared_public_interests(a, b)
        ).to_json(),
        offered_at=now,
        expires_at=now + timedelta(days=settings.INTRO_OFFER_DAYS),
        created_at=now,
        **{
            f"{side}_response": Introduction.Response.ACCEPTED,
            f"{side}_responded_at": now,
        },
    )


def _shared_public_interests(a: Profile, b: Profile) -> tuple[str, ...]:
    return tuple(
        Interest.objects.public()
        .filter(member_links__profile=a)
        .filter(member_links__profile=b)
        .order_by("name")
        .values_list("name", flat=True)[:5]
    )
