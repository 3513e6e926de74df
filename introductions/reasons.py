"""Why we think two members should meet, in one reader's words, true right now.

The engine's Explanation says what it saw when it scored the pair; members change
their tags, goals and windows afterwards (while an offer is open, or between the
round and the email). So nothing is quoted from it blindly: each claim is checked
against both members' data when the sentences are rendered (an email when it is
queued, the dashboard and the export when they are shown) and a claim that no
longer holds is dropped. Claims made:

- shared interests: both members hold an active tag of that name;
- a complementary goal: the seeker has a goal of that kind to seek, the other one
  to offer. The topic is named only as it is: "in T" on a side whose goal is tied
  to T, "without naming a topic" on a side whose goal is untied. Two goals tied to
  different topics are no reason and are not mentioned;
- different specialties: both have one, and they differ;
- overlapping call windows: both set weekly windows, and a call of the shorter
  preferred length fits inside both in the next three weeks.

Sensitive tags (shared ones, and topics of goals) are named only once both
accepted, and only when both members hold the tag.

An emailed sentence stays as it was rendered (the outbox sends exactly what was
queued), so it is as true as the data when the email was queued.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from profiles.models import CallWindow, Interest, MemberGoal, MemberInterest, Profile

from .calendar import Window, inside_windows, windows_overlap
from .explanations import Explanation, GoalMatch
from .models import Introduction

# How each seeded goal kind reads: what a member looks for, what a member offers.
# A kind admins add later reads as its quoted name, which is always grammatical.
GOAL_PHRASES: dict[str, tuple[str, str]] = {
    "mentorship": ("mentorship", "mentorship"),
    "peer-support": ("peer support", "peer support"),
    "career-advice": ("career advice", "career advice"),
    "research-collaborator": ("a research collaborator", "research collaboration"),
    "co-author": ("a co-author", "co-authorship"),
    "startup-co-founder": ("a startup co-founder", "to co-found a startup"),
    "investor-or-advisor": ("an investor or advisor", "investment or advice"),
    "job-opportunities": ("job opportunities", "job opportunities"),
    "writing-and-speaking": (
        "help with writing and speaking",
        "help with writing and speaking",
    ),
    "speaking-invitation": ("a speaking invitation", "speaking invitations"),
    "advocacy-coalition": (
        "allies for an advocacy coalition",
        "to join an advocacy coalition",
    ),
    "teaching-and-curriculum": (
        "help with teaching and curriculum",
        "help with teaching and curriculum",
    ),
    "clinical-curbside": (
        "a clinical second opinion (peer curbside)",
        "clinical second opinions (peer curbside)",
    ),
    "leadership-coaching": ("leadership coaching", "leadership coaching"),
    "accountability-partner": (
        "an accountability partner",
        "to be an accountability partner",
    ),
    "residency-application-advice": (
        "residency application advice",
        "residency application advice",
    ),
    "shadowing-and-observership": (
        "shadowing or an observership",
        "to host shadowing or an observership",
    ),
    "practice-management": (
        "advice on practice management",
        "advice on practice management",
    ),
}
UNTIED = "without naming a topic"
MAX_SHARED_NAMED = 5


def goal_phrases(slug: str, name: str) -> tuple[str, str]:
    """(what the seeker looks for, what the offerer offers) for a goal kind."""
    return GOAL_PHRASES.get(slug) or (f"“{name}”", f"“{name}”")


def join_names(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Topic(NamedTuple):
    name: str
    sensitive: bool


@dataclass
class MemberData:
    """What claims are checked against, for one member, as it is now."""

    interests: dict[str, _Topic] = field(default_factory=dict)  # by casefolded name
    # (direction, casefolded kind name) -> casefolded topics, None for untied goals
    goals: dict[tuple[str, str], set[str | None]] = field(
        default_factory=lambda: defaultdict(set)
    )
    kind_slugs: dict[str, str] = field(default_factory=dict)
    topics: dict[str, _Topic] = field(default_factory=dict)
    specialty: str | None = None
    windows: list[Window] = field(default_factory=list)
    time_zone: str = "UTC"
    meeting_minutes: int | None = None


def members_data(profile_ids: set[int]) -> dict[int, MemberData]:
    """Load what the claims need for these members, in four queries."""
    data = {pk: MemberData() for pk in profile_ids}
    for pk, specialty, zone, minutes in Profile.objects.filter(
        pk__in=profile_ids
    ).values_list("pk", "specialty__name", "time_zone", "meeting_minutes"):
        member = data[pk]
        member.specialty, member.time_zone = specialty, zone or "UTC"
        member.meeting_minutes = minutes
    for pk, name, sensitive in MemberInterest.objects.filter(
        profile_id__in=profile_ids, interest__status=Interest.Status.ACTIVE
    ).values_list("profile_id", "interest__name", "interest__sensitive"):
        data[pk].interests[name.casefold()] = _Topic(name, sensitive)
    goals = MemberGoal.objects.filter(profile_id__in=profile_ids)
    for pk, direction, kind, slug, topic, status, sensitive in goals.values_list(
        "profile_id",
        "direction",
        "kind__name",
        "kind__slug",
        "interest__name",
        "interest__status",
        "interest__sensitive",
    ):
        member = data[pk]
        member.kind_slugs[kind.casefold()] = slug
        if topic is None:
            member.goals[direction, kind.casefold()].add(None)
        elif status == Interest.Status.ACTIVE:
            # A goal about a retired tag is about nothing we can name truly.
            member.goals[direction, kind.casefold()].add(topic.casefold())
            member.topics[topic.casefold()] = _Topic(topic, sensitive)
    for pk, weekday, start, end in CallWindow.objects.filter(
        profile_id__in=profile_ids
    ).values_list("profile_id", "weekday", "start", "end"):
        data[pk].windows.append((weekday, start, end))
    return data


@dataclass(frozen=True)
class Reasons:
    """The reasons one reader may read now."""

    sentences: list[str]
    shared_interests: list[str]  # public tags both hold
    shared_private_interests: list[str]  # sensitive tags both hold, once both said yes


NO_REASONS = Reasons([], [], [])


def reasons_for(
    intro: Introduction,
    reader: Profile,
    *,
    data: dict[int, MemberData] | None = None,
    now: datetime | None = None,
) -> Reasons:
    """The reasons for this intro, worded for `reader`, each true of both members'
    current data. `data` may carry preloaded members_data (the dashboard loads all
    its intros' members at once)."""
    other = intro.other_member(reader)
    if other is None:
        return NO_REASONS
    if data is None or reader.pk not in data or other.pk not in data:
        data = members_data({reader.pk, other.pk})
    me, them = data[reader.pk], data[other.pk]
    explanation = Explanation.from_json(intro.explanation)
    revealed = intro.state == Introduction.State.CONNECTED

    public, private = _shared_interests(explanation, me, them, revealed=revealed)
    sentences = []
    if public:
        sentences.append(f"You both care about {join_names(public)}.")
    if private:
        sentences.append(
            f"You also both listed, privately, {join_names(private)}; we kept this "
            "to ourselves until you both said yes."
        )
    said = set()
    for goal in explanation.goals:
        sentence = _goal_sentence(goal, reader.pk, other, data, revealed=revealed)
        if sentence and sentence not in said:
            said.add(sentence)
            sentences.append(sentence)
    if (
        explanation.cross_specialty
        and me.specialty
        and them.specialty
        and me.specialty != them.specialty
    ):
        sentences.append(
            f"You work in different specialties: you in {me.specialty}, "
            f"{other.name} in {them.specialty}."
        )
    minutes = call_minutes(me, them)
    if _windows_meet(me, them, minutes, now or timezone.now()):
        sentences.append(
            f"Your weekly call windows overlap by at least {minutes} minutes."
        )
    return Reasons(sentences, public, private)


def _shared_interests(
    explanation: Explanation, me: MemberData, them: MemberData, *, revealed: bool
) -> tuple[list[str], list[str]]:
    """The shared interests both still hold: public ones (the first few), and
    private ones once the intro is connected."""
    public, private = [], []
    for name in dict.fromkeys(
        explanation.shared_interests + explanation.shared_sensitive_interests
    ):
        key = name.casefold()
        if key in me.interests and key in them.interests:
            tag = me.interests[key]
            if not tag.sensitive:
                public.append(tag.name)
            elif revealed:
                private.append(tag.name)
    return public[:MAX_SHARED_NAMED], private


def _windows_meet(
    me: MemberData, them: MemberData, minutes: int, now: datetime
) -> bool:
    return bool(
        me.windows
        and them.windows
        and windows_overlap(
            windows_a=me.windows,
            zone_a=me.time_zone,
            windows_b=them.windows,
            zone_b=them.time_zone,
            minutes=minutes,
            now=now,
        )
    )


def call_minutes(a: MemberData, b: MemberData) -> int:
    default = settings.INTRO_DEFAULT_CALL_MINUTES
    return min(a.meeting_minutes or default, b.meeting_minutes or default)


def _goal_sentence(
    goal: GoalMatch,
    reader_id: int,
    other: Profile,
    data: dict[int, MemberData],
    *,
    revealed: bool,
) -> str | None:
    seeker_id, offerer_id = goal.seeker_id, goal.offerer_id
    if seeker_id is None or offerer_id is None:
        return None
    if {seeker_id, offerer_id} != {reader_id, other.pk}:
        return None
    seeker, offerer = data[seeker_id], data[offerer_id]
    kind = goal.kind.casefold()
    sought = seeker.goals.get(("seek", kind))
    offered = offerer.goals.get(("offer", kind))
    if not sought or not offered:
        return None
    hint = goal.topic.casefold() if goal.topic else None

    def pick(topics: set[str | None]) -> str:
        named = sorted(t for t in topics if t is not None)
        return hint if hint in named else named[0]

    def shown(topic: str) -> str | None:
        """The topic's name, or None while it must stay private."""
        tag = seeker.topics.get(topic) or offerer.topics[topic]
        both_hold = topic in seeker.interests and topic in offerer.interests
        return tag.name if not tag.sensitive or (revealed and both_hold) else None

    common = (sought & offered) - {None}
    if common:
        name = shown(pick(common))
        seek_about = offer_about = f" in {name}" if name else ""
    elif None in sought and None in offered:
        seek_about = offer_about = ""
    elif None in offered:
        name = shown(pick(sought))
        seek_about, offer_about = (f" in {name}", f" {UNTIED}") if name else ("", "")
    elif None in sought:
        name = shown(pick(offered))
        seek_about, offer_about = (f" {UNTIED}", f" in {name}") if name else ("", "")
    else:
        return None  # both tied, to different topics: no common ground to claim
    slug = seeker.kind_slugs.get(kind) or offerer.kind_slugs.get(kind, "")
    looks_for, offers = goal_phrases(slug, goal.kind)
    if goal.seeker_id == reader_id:
        return (
            f"You are looking for {looks_for}{seek_about}; "
            f"{other.name} offers {offers}{offer_about}."
        )
    return (
        f"{other.name} is looking for {looks_for}{seek_about}; "
        f"you offer {offers}{offer_about}."
    )


def slot_fits(slot: datetime, minutes: int, member: MemberData) -> bool:
    """Whether a proposed call lies inside the member's own windows."""
    return bool(member.windows) and inside_windows(
        slot, minutes, member.windows, member.time_zone
    )
