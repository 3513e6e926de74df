from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from profiles.models import Profile

from .models import Introduction

PAST_SHOWN = 10


@dataclass
class IntroCard:
    """One intro as one member sees it: never who declined, never too early."""

    intro: Introduction
    other: Profile | None  # None: a former member, who deleted their account
    status: str
    can_answer: bool = False
    slots: list[dict] = field(default_factory=list)


def _member_intros(member: Profile):
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


def intro_slots(intro: Introduction, member: Profile) -> list[dict]:
    """The proposed call slots, each as start and end in the member's own zone."""
    zone = ZoneInfo(member.time_zone or "UTC")
    minutes = intro.call_minutes or settings.INTRO_DEFAULT_CALL_MINUTES
    return [
        {
            "start": datetime.fromisoformat(s).astimezone(zone),
            "end": (datetime.fromisoformat(s) + timedelta(minutes=minutes)).astimezone(
                zone
            ),
        }
        for s in intro.proposed_slots
    ]


def dashboard_intros(*, member: Profile, now: datetime | None = None) -> dict:
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
    for intro in _member_intros(member):
        other = intro.other_member(member)
        status = intro_status_for(intro=intro, member=member, now=now)
        if status == "connected":
            card = IntroCard(
                intro, other, "connected", slots=intro_slots(intro, member)
            )
            sections["connected"].append(card)
        elif status == "offered":
            sections["offered"].append(IntroCard(intro, other, "offered", True))
        elif status == "waiting":
            sections["waiting"].append(IntroCard(intro, other, "waiting"))
        elif len(sections["past"]) < PAST_SHOWN:
            sections["past"].append(IntroCard(intro, other, status))
    return sections


def intro_status_for(*, intro: Introduction, member: Profile, now: datetime) -> str:
    """The intro as this member may know it: "offered", "waiting", "connected", or
    a past status ("you passed", "withdrawn", "did not happen this time").

    Never tells who declined: the other side's decline looks like an open offer
    until the deadline, then like an expired one.
    """
    State, Response = Introduction.State, Introduction.Response
    mine = intro.response_of(member)
    before_deadline = intro.expires_at is not None and now < intro.expires_at
    looks_open = intro.state in (State.OFFERED, State.ACCEPTED_ONE) or (
        intro.state == State.DECLINED and before_deadline and mine != Response.DECLINED
    )
    if intro.state == State.CONNECTED:
        return "connected"
    if looks_open and intro.can_answer(member, now):
        return "offered"
    if looks_open and mine == Response.ACCEPTED:
        return "waiting"
    if mine == Response.DECLINED:
        return "you passed"
    if intro.state == State.WITHDRAWN:
        return "withdrawn"
    return "did not happen this time"
