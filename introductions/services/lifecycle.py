"""The lifecycle of an introduction, one state transition per service.

proposed → offered → accepted_one → connected, or → declined | expired | withdrawn.
Every transition locks the row (or updates it conditionally on its state), so two
workers or two clicks can never both win; an impossible transition raises
IntroTransitionError and changes nothing.

Nobody learns who declined: a decline closes the intro at once, but to the other
member it looks like an offer still waiting for an answer (they may still answer,
and their answer is recorded) until the deadline, when both kinds of failure
become the same "did not happen this time": on the dashboard, and as one line in
the member's next offer email (`selectors.intros_closed_since_last_offer`),
never an email of its own.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from profiles.models import Profile

from .. import outbox
from ..calendar import Window, propose_slots
from ..models import Introduction, OutboxEmail


class IntroTransitionError(Exception):
    """The introduction is not in a state where this can happen."""


class NotPartOfIntro(IntroTransitionError):
    """The member is not one of the two people in this introduction."""


def intro_locked(intro_id: int) -> Introduction:
    """The intro, its row locked until the transaction ends."""
    return (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("member_a__user", "member_b__user")
        .get(pk=intro_id)
    )


def member_side(intro: Introduction, member: Profile) -> str:
    """ "a" or "b"; NotPartOfIntro for a member on neither side."""
    try:
        return intro.side_of(member)
    except ValueError:
        raise NotPartOfIntro(
            f"Profile {member.pk} is not part of intro {intro.pk}"
        ) from None


@transaction.atomic
def intro_offer(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """Invite both members at once (proposed → offered)."""
    now = now or timezone.now()
    expires_at = now + timedelta(days=settings.INTRO_OFFER_DAYS)
    updated = Introduction.objects.filter(
        pk=intro.pk, state=Introduction.State.PROPOSED
    ).update(
        state=Introduction.State.OFFERED,
        offered_at=now,
        expires_at=expires_at,
        updated_at=now,
    )
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} is not proposed")
    intro = Introduction.objects.select_related(
        "member_a__user", "member_a__specialty", "member_b__user", "member_b__specialty"
    ).get(pk=intro.pk)
    for member in intro.both_members():
        outbox.outbox_enqueue_intro_email(
            intro=intro, recipient=member, kind=OutboxEmail.Kind.OFFER, now=now
        )
    return intro


@transaction.atomic
def intro_accept(
    *, intro: Introduction, member: Profile, now: datetime | None = None
) -> Introduction:
    """Record a yes; connect the pair when the other side already said yes."""
    now = now or timezone.now()
    intro = intro_locked(intro.pk)
    side = member_side(intro, member)
    if not intro.can_answer(member, now):
        raise IntroTransitionError(f"Intro {intro.pk} cannot be accepted now")
    setattr(intro, f"{side}_response", Introduction.Response.ACCEPTED)
    setattr(intro, f"{side}_responded_at", now)
    fields = [f"{side}_response", f"{side}_responded_at", "updated_at"]
    other = "b" if side == "a" else "a"
    if intro.state == Introduction.State.DECLINED:
        intro.save(update_fields=fields)
        return intro
    if getattr(intro, f"{other}_response") == Introduction.Response.ACCEPTED:
        _connect(intro, now)
        fields += ["state", "connected_at", "call_minutes", "proposed_slots"]
    else:
        intro.state = Introduction.State.ACCEPTED_ONE
        fields.append("state")
    intro.save(update_fields=fields)
    if intro.state == Introduction.State.CONNECTED:
        for person in intro.both_members():
            outbox.outbox_enqueue_intro_email(
                intro=intro, recipient=person, kind=OutboxEmail.Kind.CONNECTED, now=now
            )
    return intro


def _windows(member: Profile) -> list[Window]:
    return [(w.weekday, w.start, w.end) for w in member.call_windows.all()]


def _connect(intro: Introduction, now: datetime) -> None:
    a, b = intro.both_members()
    minutes = min(
        a.meeting_minutes or settings.INTRO_DEFAULT_CALL_MINUTES,
        b.meeting_minutes or settings.INTRO_DEFAULT_CALL_MINUTES,
    )
    slots = propose_slots(
        windows_a=_windows(a),
        zone_a=a.time_zone,
        windows_b=_windows(b),
        zone_b=b.time_zone,
        minutes=minutes,
        now=now,
    )
    intro.state = Introduction.State.CONNECTED
    intro.connected_at = now
    intro.call_minutes = minutes
    intro.proposed_slots = [s.isoformat() for s in slots]


@transaction.atomic
def intro_decline(
    *,
    intro: Introduction,
    member: Profile,
    reason: str = "",
    now: datetime | None = None,
) -> Introduction:
    """Record a no (with an optional private reason) and close the intro.

    The other member is told nothing now: at the deadline it ends for them as an
    offer that simply expired does (the dashboard, and one line in their next offer
    email).
    """
    now = now or timezone.now()
    if reason and reason not in Introduction.MEMBER_DECLINE_REASONS:
        raise ValueError(f"Unknown decline reason {reason!r}")
    intro = intro_locked(intro.pk)
    side = member_side(intro, member)
    if not intro.can_answer(member, now):
        raise IntroTransitionError(f"Intro {intro.pk} cannot be declined now")
    setattr(intro, f"{side}_response", Introduction.Response.DECLINED)
    setattr(intro, f"{side}_responded_at", now)
    setattr(intro, f"{side}_decline_reason", reason)
    fields = [
        f"{side}_response",
        f"{side}_responded_at",
        f"{side}_decline_reason",
        "updated_at",
    ]
    if intro.state != Introduction.State.DECLINED:
        intro.state = Introduction.State.DECLINED
        intro.closed_at = now
        fields += ["state", "closed_at"]
    intro.save(update_fields=fields)
    return intro


@transaction.atomic
def intro_expire(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """Close an offer nobody finished answering.

    Both learn it did not happen from their dashboard and from a line in their next
    offer email: a note of its own would be one more email about nothing to do.
    """
    now = now or timezone.now()
    updated = Introduction.objects.filter(
        pk=intro.pk,
        state__in=[Introduction.State.OFFERED, Introduction.State.ACCEPTED_ONE],
        expires_at__lte=now,
    ).update(
        state=Introduction.State.EXPIRED,
        closed_at=now,
        closed_notice_at=now,
        updated_at=now,
    )
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} is not an overdue offer")
    return intro_locked(intro.pk)


@transaction.atomic
def intro_withdraw(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """Take back an open intro (a block, a paused member, an admin's decision).

    A declined intro whose other side has not been told yet is taken back too, as
    an open one would be: the decliner's answer stays recorded. Unsent emails about
    it are cancelled; links already sent say it is closed.
    """
    now = now or timezone.now()
    updated = (
        Introduction.objects.filter(pk=intro.pk)
        .filter(Introduction.looks_open())
        .update(state=Introduction.State.WITHDRAWN, closed_at=now, updated_at=now)
    )
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} is not open")
    OutboxEmail.objects.filter(
        intro_id=intro.pk, status=OutboxEmail.Status.PENDING
    ).update(status=OutboxEmail.Status.CANCELLED)
    return Introduction.objects.get(pk=intro.pk)


@transaction.atomic
def intros_close_for_undeliverable(
    *, member: Profile, now: datetime | None = None
) -> int:
    """Quietly close a member's open offers once email cannot reach them.

    Nobody may learn that an address bounced: to the other member each offer looks
    open until its deadline and then ends with the ordinary "did not happen this
    time", exactly as after a decline (recorded with its own private
    reason). A proposed intro nobody was told about is withdrawn. Returns how many.
    """
    now = now or timezone.now()
    closed = 0
    ids = list(
        Introduction.objects.filter(
            Introduction.pair_with(member), state__in=Introduction.OPEN_STATES
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for intro_id in ids:
        intro = intro_locked(intro_id)
        if intro.state == Introduction.State.PROPOSED:
            intro_withdraw(intro=intro, now=now)
            closed += 1
            continue
        if intro.state not in Introduction.OPEN_STATES:
            continue
        side = member_side(intro, member)
        setattr(intro, f"{side}_response", Introduction.Response.DECLINED)
        setattr(intro, f"{side}_responded_at", now)
        setattr(
            intro, f"{side}_decline_reason", Introduction.DeclineReason.UNDELIVERABLE
        )
        intro.state = Introduction.State.DECLINED
        intro.closed_at = now
        intro.save(
            update_fields=[
                f"{side}_response",
                f"{side}_responded_at",
                f"{side}_decline_reason",
                "state",
                "closed_at",
                "updated_at",
            ]
        )
        OutboxEmail.objects.filter(
            intro_id=intro.pk, recipient=member, status=OutboxEmail.Status.PENDING
        ).update(status=OutboxEmail.Status.CANCELLED)
        closed += 1
    return closed


def intros_withdraw_open(*, intros: Q, now: datetime | None = None) -> int:
    """Withdraw every open intro matching `intros`, each on its own; how many.

    One answered or closed in the meantime has nothing left to withdraw.
    """
    withdrawn = 0
    for intro in (
        Introduction.objects.filter(intros)
        .filter(Introduction.looks_open())
        .order_by("pk")
    ):
        try:
            intro_withdraw(intro=intro, now=now)
        except IntroTransitionError:
            continue
        withdrawn += 1
    return withdrawn


@transaction.atomic
def intro_close_declined(
    *, intro: Introduction, now: datetime | None = None
) -> Introduction:
    """At the deadline of a declined intro, close it for the other side too.

    From now on it reads "did not happen this time" to them, exactly as an expired
    offer does, and their next offer email says so in one line.
    """
    now = now or timezone.now()
    updated = Introduction.objects.filter(
        pk=intro.pk,
        state=Introduction.State.DECLINED,
        expires_at__lte=now,
        closed_notice_at__isnull=True,
    ).update(closed_notice_at=now, updated_at=now)
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} has no notice due")
    return intro_locked(intro.pk)
