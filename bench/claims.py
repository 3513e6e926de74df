"""Is every sentence of an introduction's reasons true? A checker written apart.

It reads the rendered sentences as a member would, parses each claim, and checks it
against both members' data, loaded here with its own queries. It shares nothing
with the renderer (introductions/reasons.py) but the vocabulary of how goal kinds
read (introductions.reasons.GOAL_PHRASES): the logic of what is true is its own.
A sentence it cannot parse counts as false: an unverifiable claim is not sent.

API (all return the false sentences; an empty list means every claim is true):

    false_claims(sentences, reader=Member, other=Member, revealed=False, now=...)
        Pure: sentences worded for `reader`; `revealed` is True once both accepted
        (then shared sensitive tags may be named).
    member_from_db(profile_id) -> Member
        One member's current data, from the database.
    intro_false_claims(intro, now=None) -> list[str]
        Renders the intro's reasons for each side with introductions.reasons and
        checks them against both members' current data.
    explanation_false_claims(explanation, a_id, b_id, now=None) -> list[str]
        The same for an Explanation not (yet) stored on an intro, e.g. a dry-run
        round's; read as an open offer (sensitive tags not revealed).

bench/quality.py counts `false_claims` with intro_false_claims or
explanation_false_claims; tests/introductions/test_reasons.py uses false_claims.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Goal:
    direction: str  # "seek" or "offer"
    kind_slug: str
    kind_name: str
    topic: str | None = None  # the interest's name; None: tied to no interest
    topic_sensitive: bool = False


@dataclass
class Member:
    name: str
    interests: dict[str, bool] = field(default_factory=dict)  # active: sensitive?
    goals: list[Goal] = field(default_factory=list)
    specialty: str | None = None
    windows: list[tuple[int, time, time]] = field(default_factory=list)
    time_zone: str = "UTC"


UNTIED = " without naming a topic"
PRIVATE_TAIL = "; we kept this to ourselves until you both said yes."
OVERLAP = r"Your weekly call windows overlap by at least (\d+) minutes\."


def false_claims(
    sentences: list[str],
    *,
    reader: Member,
    other: Member,
    revealed: bool = False,
    now: datetime | None = None,
) -> list[str]:
    now = now or datetime.now(UTC)
    return [
        s for s in sentences if not _true(s, reader, other, revealed=revealed, now=now)
    ]


def _true(s: str, me: Member, them: Member, *, revealed: bool, now: datetime) -> bool:
    both = [t for t in me.interests if t in them.interests]
    if s.startswith("You both care about ") and s.endswith("."):
        public = [t for t in both if not me.interests[t] and not them.interests[t]]
        return _is_list_of(s[len("You both care about ") : -1], public)
    if s.startswith("You also both listed, privately, ") and s.endswith(PRIVATE_TAIL):
        private = [t for t in both if me.interests[t] and them.interests[t]]
        body = s[len("You also both listed, privately, ") : -len(PRIVATE_TAIL)]
        return revealed and _is_list_of(body, private)
    if s.startswith("You are looking for ") and s.endswith("."):
        body = s[len("You are looking for ") : -1]
        seek, sep, offer = body.partition(f"; {them.name} offers ")
        return bool(sep) and _goal_true(seek, offer, me, them, revealed)
    if s.startswith(f"{them.name} is looking for ") and s.endswith("."):
        body = s[len(f"{them.name} is looking for ") : -1]
        seek, sep, offer = body.partition("; you offer ")
        return bool(sep) and _goal_true(seek, offer, them, me, revealed)
    prefix = "You work in different specialties: you in "
    if s.startswith(prefix) and s.endswith("."):
        mine, sep, theirs = s[len(prefix) : -1].rpartition(f", {them.name} in ")
        return (
            bool(sep)
            and mine == me.specialty
            and theirs == them.specialty
            and mine != theirs
        )
    match = re.fullmatch(OVERLAP, s)
    if match:
        return _windows_meet(me, them, int(match[1]), now)
    return False


def _is_list_of(text: str, allowed: list[str]) -> bool:
    """Whether text reads "A", "A and B" or "A, B and C" with every item allowed
    (names may themselves contain commas or "and", so every split is tried)."""

    def rest_ok(rest: str, first: bool) -> bool:
        for name in allowed:
            if not rest.startswith(name):
                continue
            tail = rest[len(name) :]
            if tail == "":
                return first  # a lone item; otherwise the last came after " and "
            if tail.startswith(", ") and rest_ok(tail[2:], False):
                return True
            if tail.startswith(" and ") and tail[5:] in allowed:
                return True
        return False

    return rest_ok(text, True)


def _goal_true(
    seek: str, offer: str, seeker: Member, offerer: Member, revealed: bool
) -> bool:
    """Some kind K: the seeker seeks K as the seek clause says, the offerer offers
    K as the offer clause says."""
    from introductions.reasons import GOAL_PHRASES

    for kind in {(g.kind_slug, g.kind_name) for g in seeker.goals}:
        looks_for, offers = GOAL_PHRASES.get(kind[0]) or (f"“{kind[1]}”",) * 2
        if not (seek.startswith(looks_for) and offer.startswith(offers)):
            continue
        if _clause_true(
            seek[len(looks_for) :], seeker, "seek", kind, seeker, offerer, revealed
        ) and _clause_true(
            offer[len(offers) :], offerer, "offer", kind, seeker, offerer, revealed
        ):
            return True
    return False


def _clause_true(
    about: str,
    member: Member,
    direction: str,
    kind: tuple[str, str],
    a: Member,
    b: Member,
    revealed: bool,
) -> bool:
    goals = [
        g
        for g in member.goals
        if g.direction == direction and (g.kind_slug, g.kind_name) == kind
    ]
    if about == "":
        return bool(goals)
    if about == UNTIED:
        return any(g.topic is None for g in goals)
    if not about.startswith(" in "):
        return False
    topic = about[len(" in ") :]
    for g in goals:
        if g.topic == topic:
            # A sensitive topic only once both said yes, and both hold the tag.
            return not g.topic_sensitive or (
                revealed and topic in a.interests and topic in b.interests
            )
    return False


def _windows_meet(a: Member, b: Member, minutes: int, now: datetime) -> bool:
    """Brute force: some quarter hour in the next 23 days starts a call of
    `minutes` inside a window of each, read in each one's local time."""
    if not a.windows or not b.windows:
        return False
    length = timedelta(minutes=minutes)
    t = now.astimezone(UTC).replace(second=0, microsecond=0)
    t -= timedelta(minutes=t.minute % 15)
    end = t + timedelta(days=23)
    while t < end:
        if _inside(a, t, length) and _inside(b, t, length):
            return True
        t += timedelta(minutes=15)
    return False


def _inside(member: Member, start: datetime, length: timedelta) -> bool:
    zone = ZoneInfo(member.time_zone)
    lo, hi = start.astimezone(zone), (start + length).astimezone(zone)
    return lo.date() == hi.date() and any(
        day == lo.weekday() and w_start <= lo.time() and hi.time() <= w_end
        for day, w_start, w_end in member.windows
    )


def member_from_db(profile_id: int) -> Member:
    from profiles.models import Profile

    profile = Profile.objects.select_related("specialty").get(pk=profile_id)
    return Member(
        name=profile.name,
        interests={
            i.name: i.sensitive for i in profile.interests.filter(status="active")
        },
        goals=[
            Goal(
                direction=g.direction,
                kind_slug=g.kind.slug,
                kind_name=g.kind.name,
                topic=g.interest.name if g.interest else None,
                topic_sensitive=bool(g.interest and g.interest.sensitive),
            )
            for g in profile.goals.select_related("kind", "interest")
        ],
        specialty=profile.specialty.name if profile.specialty else None,
        windows=[(w.weekday, w.start, w.end) for w in profile.call_windows.all()],
        time_zone=profile.time_zone or "UTC",
    )


def intro_false_claims(intro, now: datetime | None = None) -> list[str]:
    from introductions.models import Introduction
    from introductions.reasons import reasons_for

    if intro.member_a is None or intro.member_b is None:
        return []
    a, b = member_from_db(intro.member_a_id), member_from_db(intro.member_b_id)
    revealed = intro.state == Introduction.State.CONNECTED
    wrong = []
    for reader, me, them in ((intro.member_a, a, b), (intro.member_b, b, a)):
        sentences = reasons_for(intro, reader, now=now).sentences
        wrong += false_claims(
            sentences, reader=me, other=them, revealed=revealed, now=now
        )
    return wrong


def explanation_false_claims(
    explanation, a_id: int, b_id: int, now: datetime | None = None
) -> list[str]:
    from introductions.models import Introduction
    from profiles.models import Profile

    lo, hi = sorted((a_id, b_id))
    members = Profile.objects.in_bulk([lo, hi])
    intro = Introduction(
        member_a=members[lo],
        member_b=members[hi],
        state=Introduction.State.OFFERED,
        explanation=explanation.to_json(),
    )
    return intro_false_claims(intro, now=now)
