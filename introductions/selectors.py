from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from profiles.models import Profile, User
from profiles.selectors import ShownProfile, profile_shown

from .calendar import windows_overlap
from .models import Introduction, OutboxEmail
from .reasons import MemberData, call_minutes, members_data, reasons_for, slot_fits

PAST_SHOWN = 10


class Slot(TypedDict):
    """A proposed call time in one member's own zone."""

    start: datetime
    end: datetime
    mark: str  # whose current windows it lies in; "" when all lie in both
    inside_both: bool


@dataclass
class IntroCard:
    """One intro as one member sees it: never who declined, never too early."""

    intro: Introduction
    other: Profile | None  # None: a former member, who deleted their account
    status: str
    can_answer: bool = False
    slots: list[Slot] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    shown: ShownProfile | None = None  # what the member may see of the other


def _member_intros(member: Profile) -> QuerySet[Introduction]:
    return (
        Introduction.objects.filter(Q(member_a=member) | Q(member_b=member))
        .exclude(state=Introduction.State.PROPOSED)
        .select_related(
            "member_a__user",
            "member_a__specialty",
            "member_b__user",
            "member_b__specialty",
        )
        .order_by("-offered_at", "-pk")
    )


def intro_slots(
    intro: Introduction,
    member: Profile,
    *,
    data: dict[int, MemberData] | None = None,
) -> list[Slot]:
    """The proposed call slots, each as start and end in the member's own zone,
    with a `mark` saying whose current windows it lies in ("" when all lie in
    both, which the note then says once)."""
    zone = ZoneInfo(member.time_zone or "UTC")
    minutes = intro.call_minutes or settings.INTRO_DEFAULT_CALL_MINUTES
    other = intro.other_member(member)
    starts = [datetime.fromisoformat(s) for s in intro.proposed_slots]
    mine = theirs = [False] * len(starts)
    if other is not None and starts:
        if data is None or member.pk not in data or other.pk not in data:
            data = members_data({member.pk, other.pk})
        mine = [slot_fits(s, minutes, data[member.pk]) for s in starts]
        theirs = [slot_fits(s, minutes, data[other.pk]) for s in starts]
    all_both = all(mine) and all(theirs)
    slots: list[Slot] = []
    for start, m, t in zip(starts, mine, theirs, strict=True):
        if all_both or not (m or t):
            mark = ""
        elif m and t:
            mark = "inside both your windows"
        else:
            # Only a member still here has windows: t is False without one.
            mark = (
                "inside your window"
                if m or other is None
                else f"inside {other.name}'s window"
            )
        slots.append(
            {
                "start": start.astimezone(zone),
                "end": (start + timedelta(minutes=minutes)).astimezone(zone),
                "mark": mark,
                "inside_both": m and t,
            }
        )
    return slots


def slots_note(
    slots: list[Slot],
    reader: Profile,
    other: Profile,
    data: dict[int, MemberData],
    *,
    now: datetime,
) -> str:
    """One sentence on where the proposed times lie, true of both members' windows
    now, in the reader's words; a different sentence for each case, so nobody is
    told the windows overlap when they do not."""
    if not slots:
        return ""
    if all(slot["inside_both"] for slot in slots):
        return "Each lies inside both your weekly call windows."
    me, them = data[reader.pk], data[other.pk]
    if not me.windows and not them.windows:
        return (
            "Neither of you has set weekly call windows, so we suggested times "
            "on weekday working hours."
        )
    marked = " Times inside someone's call window are marked."
    if not me.windows:
        return (
            "You have not set weekly call windows, so we took weekday working hours "
            "for you." + marked
        )
    if not them.windows:
        return (
            f"{other.name} has not set weekly call windows, so we took weekday "
            "working hours for them." + marked
        )
    if windows_overlap(
        windows_a=me.windows,
        zone_a=me.time_zone,
        windows_b=them.windows,
        zone_b=them.time_zone,
        minutes=call_minutes(me, them),
        now=now,
    ):
        return "Your call windows changed after we chose these times." + marked
    return (
        "Your weekly call windows do not overlap in the next three weeks, so these "
        "times lie inside one of your windows where we could (marked), and "
        "otherwise between 7:00 and 22:00 for you both."
    )


def dashboard_intros(
    *, member: Profile, now: datetime | None = None
) -> dict[str, list[IntroCard]]:
    """The member's intros by section: offered, waiting, connected, past.

    A declined intro stays "offered" or "waiting" for the member who did not decline
    until its deadline, exactly like one still open.
    """
    now = now or timezone.now()
    sections: dict[str, list[IntroCard]] = {
        "offered": [],
        "waiting": [],
        "connected": [],
        "past": [],
    }
    intros = list(_member_intros(member))
    # What the reasons and slot marks are checked against: every member on the
    # page, loaded at once.
    data = members_data({member.pk} | {p.pk for i in intros for p in i.members() if p})
    for intro in intros:
        other = intro.other_member(member)
        status = intro_status_for(intro=intro, member=member, now=now)
        if status in ("connected", "offered", "waiting"):
            card = IntroCard(
                intro,
                other,
                status,
                can_answer=status == "offered",
                reasons=reasons_for(intro, member, data=data, now=now).sentences,
            )
            if other is not None:
                card.shown = profile_shown(profile=other, reader=member)
            if status == "connected":
                card.slots = intro_slots(intro, member, data=data)
            sections[status].append(card)
        elif len(sections["past"]) < PAST_SHOWN:
            sections["past"].append(IntroCard(intro, other, status))
    return sections


def connected_member_ids(*, user: User) -> set[int]:
    """The profiles in the user's connected introductions, theirs included."""
    ids: set[int] = set()
    for a, b in (
        Introduction.objects.filter(state=Introduction.State.CONNECTED)
        .filter(Q(member_a__user=user) | Q(member_b__user=user))
        .values_list("member_a", "member_b")
    ):
        # NULL: a member who deleted their account.
        ids |= {pk for pk in (a, b) if pk is not None}
    return ids


def intros_closed_since_last_offer(
    *, member: Profile, now: datetime | None = None
) -> list[Introduction]:
    """Offers to this member that ended without a connection since the last offer
    email we wrote them: what their next offer email mentions, one line each.

    Ended: expired, or declined and past its deadline (`closed_notice_at`), which
    to this member is the same thing. Not those the member declined (they know),
    nor those whose other member has left.
    """
    now = now or timezone.now()
    last_offer = (
        OutboxEmail.objects.filter(
            recipient=member,
            kind=OutboxEmail.Kind.OFFER,
            # A round's offers share one timestamp; the email being written is
            # not stored yet, so an equal time is an earlier offer of the batch.
            created_at__lte=now,
            status__in=[OutboxEmail.Status.PENDING, OutboxEmail.Status.SENT],
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    ended = Introduction.objects.filter(
        Introduction.pair_with(member),
        state__in=[Introduction.State.EXPIRED, Introduction.State.DECLINED],
        closed_notice_at__lte=now,
    ).select_related("member_a", "member_b")
    if last_offer is not None:
        ended = ended.filter(closed_notice_at__gt=last_offer)
    return [
        intro
        for intro in ended.order_by("closed_notice_at", "pk")
        if intro.response_of(member) != Introduction.Response.DECLINED
        and intro.other_member(member) is not None
    ]


def intro_with_member(
    *, viewer: Profile, other: Profile, now: datetime | None = None
) -> IntroCard | None:
    """The viewer's current introduction to another member, as the viewer may
    know it ("offered", "waiting" or "connected"), or None when there is none.

    Read through intro_status_for, so that a profile page never tells more than
    the dashboard: a decline by the other side still looks open until the
    deadline.
    """
    now = now or timezone.now()
    intros = (
        Introduction.objects.filter(Introduction.pair(viewer, other))
        .exclude(state=Introduction.State.PROPOSED)
        .select_related("member_a", "member_b")
        .order_by("-created_at", "-pk")[:1]
    )
    for intro in intros:
        status = intro_status_for(intro=intro, member=viewer, now=now)
        if status in ("offered", "waiting", "connected"):
            return IntroCard(intro, other, status)
    return None


def intro_status_for(*, intro: Introduction, member: Profile, now: datetime) -> str:
    """The intro as this member may know it: "offered", "waiting", "connected", or
    a past status ("you passed", "withdrawn", "did not happen this time").

    Never tells who declined: the other side's decline looks like an open offer
    until the deadline, then like an expired one.
    """
    State, Response = Introduction.State, Introduction.Response
    mine = intro.response_of(member)
    if intro.state == State.CONNECTED:
        return "connected"
    if mine == Response.DECLINED:
        return "you passed"
    if intro.state == State.WITHDRAWN:
        return "withdrawn"
    # Past the deadline an offer is over for everyone at once, whether or not the
    # periodic task has marked it expired yet: the moment must not depend on what
    # the other side did.
    before_deadline = intro.expires_at is not None and now < intro.expires_at
    if before_deadline and intro.state in (
        State.OFFERED,
        State.ACCEPTED_ONE,
        State.DECLINED,
    ):
        return "waiting" if mine == Response.ACCEPTED else "offered"
    return "did not happen this time"


def next_matching_round(*, now: datetime | None = None) -> datetime | None:
    """When Celery beat next starts a matching round (MATCHING_ROUND_CRONTAB), in
    UTC; None when the schedule names no time within a year."""
    schedule = settings.CELERY_BEAT_SCHEDULE["matching-round"]["schedule"]
    now = (now or timezone.now()).astimezone(UTC)
    # Strictly after now: a round starting this very minute is already under way.
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for offset in range(367):
        day = start.date() + timedelta(days=offset)
        if (
            day.month not in schedule.month_of_year
            or day.day not in schedule.day_of_month
            # Celery counts weekdays from Sunday = 0; Python from Monday = 0.
            or (day.weekday() + 1) % 7 not in schedule.day_of_week
        ):
            continue
        for hour in sorted(schedule.hour):
            for minute in sorted(schedule.minute):
                moment = datetime(
                    day.year, day.month, day.day, hour, minute, tzinfo=UTC
                )
                if moment >= start:
                    return moment
    return None


# Offers a member may still answer, so whoever has not answered gets a reminder:
# declined ones too, since to the other member a decline must look like silence.
REMINDED_STATES = (
    Introduction.State.OFFERED,
    Introduction.State.ACCEPTED_ONE,
    Introduction.State.DECLINED,
)


def intro_ids_with_deadlines_due(*, now: datetime | None = None) -> list[int]:
    """The intros with a deadline step due: expiry, the closing of a declined
    intro, the reminder or the follow-up (each as its service checks it)."""
    now = now or timezone.now()
    offered = [Introduction.State.OFFERED, Introduction.State.ACCEPTED_ONE]
    due = (
        Q(state__in=offered, expires_at__lte=now)
        | Q(
            state=Introduction.State.DECLINED,
            expires_at__lte=now,
            closed_notice_at__isnull=True,
        )
        | Q(
            state__in=REMINDED_STATES,
            reminded_at__isnull=True,
            offered_at__lte=now - timedelta(days=settings.INTRO_REMINDER_DAY),
            expires_at__gt=now,
        )
        | Q(
            state=Introduction.State.CONNECTED,
            follow_up_at__isnull=True,
            connected_at__lte=now - timedelta(days=settings.INTRO_FOLLOW_UP_DAYS),
        )
    )
    return list(
        Introduction.objects.filter(due).order_by("pk").values_list("pk", flat=True)
    )


def member_let_last_offer_pass(
    *, member: Profile, before: Introduction, now: datetime
) -> bool:
    """Did the member leave their latest offer before the offer `before`
    unanswered to its deadline? Read from their own answer and the deadline only,
    never from what the other side did, which must not change what this member
    receives."""
    last = (
        Introduction.objects.filter(
            Introduction.pair_with(member),
            offered_at__lt=before.offered_at,
            expires_at__lte=now,
        )
        .exclude(state=Introduction.State.WITHDRAWN)
        .order_by("-offered_at", "-pk")
        .first()
    )
    return last is not None and not last.response_of(member)
