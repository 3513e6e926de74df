"""What the clock does to introductions: offers, reminders, follow-ups, deadlines.

The beat tasks ask `selectors.intro_ids_with_deadlines_due` which intros have a
step due and apply it with `intro_apply_deadlines`; the steps themselves are the
lifecycle's expiry and closing of declined intros, and the two emails below.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from profiles import selectors as profile_selectors
from profiles.models import Profile

from .. import outbox, selectors
from ..models import Introduction, OutboxEmail
from .lifecycle import (
    IntroTransitionError,
    intro_close_declined,
    intro_expire,
    intro_locked,
    intro_offer,
    intro_withdraw,
)


@transaction.atomic
def intro_remind(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """The one reminder, to whoever has not answered an offer by the reminder day.

    Declined intros too: to a member who has not answered, the other side's decline
    must look like silence, and silence gets a reminder. Never a second one
    (`reminded_at`); none to a member whose weekly email budget is spent, nor to
    one who let their previous offer pass unanswered (reminded then, they chose
    not to; an answer to any later offer brings reminders back): the offer is in
    their inbox and on their dashboard already.
    """
    now = now or timezone.now()
    updated = Introduction.objects.filter(
        pk=intro.pk,
        state__in=selectors.REMINDED_STATES,
        offered_at__lte=now - timedelta(days=settings.INTRO_REMINDER_DAY),
        expires_at__gt=now,
        reminded_at__isnull=True,
    ).update(reminded_at=now, updated_at=now)
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} has no reminder due")
    intro = intro_locked(intro.pk)
    today = now.date()
    if None in intro.members():
        return intro  # nobody left to meet: a nudge would only say so
    for member in intro.both_members():
        if (
            not intro.response_of(member)
            and not member.is_paused(today)
            and not outbox.email_budget_spent(recipient=member, now=now)
            and not selectors.member_let_last_offer_pass(
                member=member, before=intro, now=now
            )
        ):
            outbox.outbox_enqueue_intro_email(
                intro=intro, recipient=member, kind=OutboxEmail.Kind.REMINDER, now=now
            )
    return intro


def _present(intro: Introduction) -> list[Profile]:
    """The members still here: a deleted member leaves NULL on their side."""
    return [m for m in intro.members() if m is not None]


# A member whose budget is spent every week (several offers a week) would never
# be asked; after this long past its due date the question goes anyway.
FOLLOW_UP_WAITS_AT_MOST = timedelta(days=7)


@transaction.atomic
def intro_follow_up(
    *, intro: Introduction, now: datetime | None = None
) -> Introduction:
    """Ask both "Did you meet?" some days after connecting.

    Waits while either member's weekly email budget is spent: the deadline task
    tries again each run, and it goes once both have room, or once it has waited
    FOLLOW_UP_WAITS_AT_MOST.
    """
    now = now or timezone.now()
    due_at = now - timedelta(days=settings.INTRO_FOLLOW_UP_DAYS)
    due = Introduction.objects.filter(
        pk=intro.pk,
        state=Introduction.State.CONNECTED,
        connected_at__lte=due_at,
        follow_up_at__isnull=True,
    )
    if not due.exists():
        raise IntroTransitionError(f"Intro {intro.pk} has no follow-up due")
    intro = intro_locked(intro.pk)
    waited_enough = intro.connected_at is not None and (
        intro.connected_at <= due_at - FOLLOW_UP_WAITS_AT_MOST
    )
    if not waited_enough and any(
        outbox.email_budget_spent(recipient=member, now=now)
        for member in _present(intro)
    ):
        raise IntroTransitionError(f"Intro {intro.pk}: follow-up waits for budget")
    if not due.update(follow_up_at=now, updated_at=now):
        raise IntroTransitionError(f"Intro {intro.pk} has no follow-up due")
    intro.follow_up_at = now
    if None in intro.members():
        return intro  # "did you meet a former member?" would tell them they left
    for member in intro.both_members():
        outbox.outbox_enqueue_intro_email(
            intro=intro, recipient=member, kind=OutboxEmail.Kind.FOLLOW_UP, now=now
        )
    return intro


def intro_apply_deadlines(*, intro_id: int, now: datetime | None = None) -> str | None:
    """Whichever deadline step is due for this intro; None when nothing is.

    Idempotent: each step is conditional on its own marker, so running it twice, or
    in two workers, does each step once.
    """
    now = now or timezone.now()
    steps = (intro_expire, intro_close_declined, intro_remind, intro_follow_up)
    intro = Introduction(pk=intro_id)
    done = None
    for step in steps:
        try:
            step(intro=intro, now=now)
        except IntroTransitionError:
            continue
        done = step.__name__
    return done


def intros_offer_proposed(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Offer proposed intros, each in its own transaction; returns how many.

    A member who paused, or a pair where one blocked the other since the round,
    gets the intro withdrawn instead.
    """
    now = now or timezone.now()
    today = now.date()
    offered = 0
    pending = (
        Introduction.objects.filter(state=Introduction.State.PROPOSED)
        .select_related("member_a", "member_b")
        .order_by("pk")[:limit]
    )
    for intro in pending:
        blocked = profile_selectors.blocked_either_way(
            a_id=intro.member_a_id, b_id=intro.member_b_id
        )
        try:
            present = _present(intro)
            gone = len(present) < 2
            if gone or blocked or any(m.is_paused(today) for m in present):
                intro_withdraw(intro=intro, now=now)
            else:
                intro_offer(intro=intro, now=now)
                offered += 1
        except IntroTransitionError:
            continue
    return offered
