"""Six weeks of Grapevyne on a generated community: a benchmark, not a test.

    python bench/quality.py --weeks 6 [--seed 7] [--members 60]

Creates a scratch database next to DATABASE_URL's (as bench/quality.py does),
writes its own community and lives through the weeks with time moved by
time-machine: every Tuesday at 14:00 UTC (the default MATCHING_ROUND_CRONTAB) a
round is created and run by the app's services (`round_create`, then
`round_run_sync`: the prepare, score and finish steps of the beat's task, with the
auto-pause at its start); five minutes later the proposed intros are offered
(`intros_offer_proposed`, the beat's offer task); every hour the deadline task's
steps run (`intro_ids_with_deadlines_due`, `intro_apply_deadlines`: reminders,
expiry, closing declined offers, follow-ups), then the auto-pause sweep's
(`members_auto_pause`). Members answer through
`intro_accept` and `intro_decline`, an hour plus an exponential delay (mean one
day, at most 6.9 days) after the offer, by the response model of issue 16: a
member accepts with probability 0.85 when the pair shares a rare interest *and*
an on-topic complementary goal, 0.5 with one of the two, 0.2 otherwise; 30% of
the others decline and the rest never answer; two silent members never answer
anything. One fixed seed. After the last round a week more passes, so that its
offers end too. Emails are counted as written to the outbox
(`introductions.outbox`); nothing is sent.

The community (`--members` N, 60 by default): three popular members hold every
popular and common tag, with goals only on popular tags; everyone else is in a
group of about four around a tag only the group holds (rare), half seeking and
half offering one goal kind on it, so that each has strong partners; each also
holds two of 5 popular tags and one of 4 common ones. Cadences: the app's default
(every two weeks) for half, weekly for 30%, monthly for 20%; the silent and
popular members weekly.

Definitions (per week w, the round of week w and what follows until the next
round; "total" over all weeks). "Qualifying" and "rare" are bench/quality.py's
Judge: a pair qualifies with a shared rare tag (held by fewer than the engine's
"widely held" threshold) or an on-topic complementary goal (a seek and an offer of
one kind, both on the same interest or one about nothing in particular).

* intros: introductions the round created.
* strong_share: share of those whose pair shares a rare tag and an on-topic
  complementary goal.
* hollow_intros: intros whose pair does not qualify.
* connections: intros of the round that reached "connected" (by the end).
* connection_share: connections / intros.
* left_out_with_candidate: members in the round's pool (its frozen snapshot) who
  had a qualifying partner in the pool that the round was allowed to pair them
  with (not an excluded pair) and got no intro.
* max_consecutive_left_out: the longest run, ending this week (per week) or
  anywhere (total), of rounds in which a member was left out with a qualifying
  candidate, counting only the rounds where they had one.
* silent_paused_by_week: per week, how many of the two silent members were
  auto-paused by the end of it; in total, the week each was first paused (null
  if never).
* silent_offers_before_pause (total only): per silent member, the offers made to
  them before their first auto-pause (all their offers if never paused): the rule
  pauses at the third ignored one, so a member held back some weeks ("no good
  match") is paused in a later week.
* engaged_paused: auto-pauses in the week (total: all) of members who are not
  silent and had answered at least one offer before the pause.
* offcycle_hollow: hollow intros with a member on a two- or four-week cadence
  introduced in a round outside their phase (id modulo cadence differs from the
  round's week number modulo cadence, `matching.selectors.round_week`).
* emails_per_connection: emails written to members in the week's window (all
  kinds, not cancelled or suppressed) / intros connected in that window; total:
  all emails / all connections. null without connections.
* emails_by_kind (total only): those emails by kind.
* max_budgeted_emails_in_7_days (total only): the most offers, reminders and
  follow-ups one member received in any 7 days (EMAIL_WEEKLY_BUDGET's count).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

FIRST_ROUND = datetime(2027, 1, 5, 14, 0, tzinfo=UTC)  # a Tuesday
WEEK = timedelta(days=7)
OFFER_DELAY = timedelta(minutes=5)
TICK = timedelta(hours=1)
SILENT = 2
ANSWER_DAYS = 1.0  # mean delay of an answer: most come before the day-3 reminder
POPULAR_MEMBERS = 3


@dataclass
class Community:
    silent: list[int]
    popular: list[int]
    cadence: dict[int, str]


@dataclass
class Week:
    intros: list[tuple[int, int, int]] = field(default_factory=list)  # a, b, pk
    pool: set[int] = field(default_factory=set)
    left_out: set[int] = field(default_factory=set)
    with_candidate: set[int] = field(default_factory=set)
    offcycle: set[int] = field(default_factory=set)  # intro pks


def build(rng, members: int) -> Community:
    """Write the community (see the module docstring); returns who is who."""
    from profiles.factories import ProfileFactory
    from profiles.models import GoalKind, Interest, MemberGoal, Profile

    tags = list(
        Interest.objects.filter(status="active", sensitive=False).order_by("pk")
    )
    kinds = list(GoalKind.objects.filter(is_active=True).order_by("pk"))
    order = rng.permutation(len(tags))
    tags = [tags[i] for i in order]
    popular, common, rare = tags[:5], tags[5:9], iter(tags[9:])
    F = Profile.Frequency

    def pick(items, k):
        return [items[i] for i in rng.choice(len(items), size=k, replace=False)]

    def cadence():
        return rng.choice([F.BIWEEKLY, F.WEEKLY, F.MONTHLY], p=[0.5, 0.3, 0.2])

    def member(interests, goals, frequency):
        profile = ProfileFactory.create(
            interests=list(interests), intro_frequency=str(frequency)
        )
        MemberGoal.objects.bulk_create(
            MemberGoal(profile=profile, kind=k, direction=d, interest=t)
            for d, k, t in goals
        )
        return profile.pk

    popular_ids = [
        member(
            popular + common,
            [
                ("offer", kinds[n % len(kinds)], popular[n]),
                ("seek", kinds[(n + 1) % len(kinds)], popular[n + 1]),
            ],
            F.WEEKLY,
        )
        for n in range(POPULAR_MEMBERS)
    ]
    rest = members - POPULAR_MEMBERS
    groups = max(1, rest // 4)
    sizes = [rest // groups + (g < rest % groups) for g in range(groups)]
    ids: list[int] = []
    silent: list[int] = []
    frequency: dict[int, str] = {}
    for g, size in enumerate(sizes):
        topic = next(rare)
        kind = kinds[int(rng.integers(len(kinds)))]
        for n in range(size):
            is_silent = len(silent) < SILENT and g >= groups - SILENT and n == 0
            freq = F.WEEKLY if is_silent else cadence()
            pk = member(
                [topic, *pick(popular, 2), *pick(common, 1)],
                [("seek" if n % 2 else "offer", kind, topic)],
                freq,
            )
            ids.append(pk)
            frequency[pk] = str(freq)
            if is_silent:
                silent.append(pk)
    for pk in popular_ids:
        frequency[pk] = str(F.WEEKLY)
    return Community(silent=silent, popular=popular_ids, cadence=frequency)


class Answers:
    """The response model: who answers what, and when, decided at offer time."""

    def __init__(self, rng, judge, silent):
        self.rng, self.judge, self.silent = rng, judge, set(silent)
        self.pending: list[tuple[datetime, int, int, str]] = []
        self.seen: set[int] = set()

    def p_accept(self, a: int, b: int) -> float:
        rare = bool(self.judge.tags[a] & self.judge.tags[b] & self.judge.rare)
        on_topic = any(self.judge.complements(a, b))
        return 0.85 if rare and on_topic else 0.5 if rare or on_topic else 0.2

    def plan(self, intros) -> None:
        for intro in sorted(intros, key=lambda i: i.pk):
            if intro.pk in self.seen:
                continue
            self.seen.add(intro.pk)
            p = self.p_accept(intro.member_a_id, intro.member_b_id)
            for member_id in (intro.member_a_id, intro.member_b_id):
                draw = self.rng.random()
                delay = min(6.9, 1 / 24 + self.rng.exponential(ANSWER_DAYS))
                if member_id in self.silent:
                    continue
                if draw < p:
                    action = "accept"
                elif draw < p + (1 - p) * 0.3:
                    action = "decline"
                else:
                    continue
                at = intro.offered_at + timedelta(days=float(delay))
                self.pending.append((at, intro.pk, member_id, action))
        self.pending.sort()

    def due(self, now: datetime):
        while self.pending and self.pending[0][0] <= now:
            yield self.pending.pop(0)


def _deadlines(now: datetime) -> None:
    """What the deadline and auto-pause tasks do, in this process."""
    from introductions import selectors, services
    from matching.services import members_auto_pause

    for intro_id in selectors.intro_ids_with_deadlines_due(now=now):
        services.intro_apply_deadlines(intro_id=intro_id, now=now)
    members_auto_pause(now=now)


def _answer(intro_id: int, member_id: int, action: str, now: datetime) -> None:
    from introductions import services
    from introductions.models import Introduction
    from profiles.models import Profile

    intro = Introduction.objects.get(pk=intro_id)
    member = Profile.objects.get(pk=member_id)
    if not intro.can_answer(member, now):
        return  # closed meanwhile (withdrawn, expired): the member is too late
    if action == "accept":
        services.intro_accept(intro=intro, member=member, now=now)
    else:
        services.intro_decline(intro=intro, member=member, now=now)


def _left_out(round_, judge, week: Week) -> None:
    from matching import services as matching

    snapshot = matching.round_snapshot(round_.pk)
    ids = snapshot.ids.tolist()
    n = len(ids)
    excluded = set(snapshot.excluded.tolist())
    served = {m for a, b, _ in week.intros for m in (a, b)}
    week.pool = set(ids)
    for i, j in itertools.combinations(range(n), 2):
        if i * n + j in excluded:
            continue
        a, b = ids[i], ids[j]
        if judge.qualifies(a, b):
            week.with_candidate.update((a, b))
    week.left_out = week.with_candidate - served


def _offcycle(round_, community: Community, week: Week) -> None:
    from matching.selectors import CADENCE_WEEKS, round_week
    from profiles.models import Profile

    number = round_week(round_.started_at)
    for a, b, pk in week.intros:
        for m in (a, b):
            c = CADENCE_WEEKS.get(Profile.Frequency(community.cadence[m]), 1)
            if c > 1 and m % c != number % c:
                week.offcycle.add(pk)


def _round(community: Community, judge) -> Week:
    """A round as the beat starts it, and what the bench reads of it."""
    from matching import services as matching
    from matching.models import Round, RoundPair

    created = matching.round_create(trigger=Round.Trigger.BEAT)
    if created is None:
        raise RuntimeError("another round holds the matching lock")
    round_ = matching.round_run_sync(round_id=created.pk)
    week = Week(
        intros=list(
            RoundPair.objects.filter(
                round=round_, introduction__isnull=False
            ).values_list("member_a_id", "member_b_id", "introduction_id")
        )
    )
    _left_out(round_, judge, week)
    _offcycle(round_, community, week)
    return week


def simulate(*, weeks: int, seed: int = 7, members: int = 60) -> dict:
    """Live `weeks` weeks on a new community in the current database; the figures."""
    import time_machine
    from django.db.models import Q

    from bench.quality import Judge
    from introductions import services as intro_services
    from introductions.models import Introduction, OutboxEmail
    from matching.models import AutoPause

    rng = np.random.default_rng(seed)
    end = FIRST_ROUND + weeks * WEEK + TICK
    with time_machine.travel(FIRST_ROUND - timedelta(days=1), tick=False) as clock:
        community = build(rng, members)
        judge = Judge(FIRST_ROUND)
        answers = Answers(rng, judge, community.silent)
        history: list[Week] = []
        for w in range(weeks + 1):
            start = FIRST_ROUND + w * WEEK
            if w < weeks:
                clock.move_to(start)
                history.append(_round(community, judge))
                offered_at = start + OFFER_DELAY
                clock.move_to(offered_at)
                intro_services.intros_offer_proposed(now=offered_at)
                answers.plan(Introduction.objects.filter(offered_at=offered_at))
            tick = start + TICK
            while tick < min(start + WEEK, end + timedelta(seconds=1)):
                for at, intro_id, member_id, action in answers.due(tick):
                    clock.move_to(at)
                    _answer(intro_id, member_id, action, at)
                clock.move_to(tick)
                _deadlines(tick)
                tick += TICK

    intro_rows = {
        i.pk: i
        for i in Introduction.objects.filter(
            pk__in=[pk for w in history for _, _, pk in w.intros]
        )
    }
    emails = list(
        OutboxEmail.objects.filter(recipient__isnull=False)
        .exclude(
            status__in=[OutboxEmail.Status.CANCELLED, OutboxEmail.Status.SUPPRESSED]
        )
        .values_list("kind", "created_at", "recipient_id")
    )
    connected_at = list(
        Introduction.objects.filter(connected_at__isnull=False).values_list(
            "connected_at", flat=True
        )
    )
    pauses = list(AutoPause.objects.values_list("profile_id", "created_at"))
    first_pause = {pk: min(at for p, at in pauses if p == pk) for pk, _ in pauses}
    silent_offers = [
        Introduction.objects.filter(Q(member_a=pk) | Q(member_b=pk))
        .filter(offered_at__isnull=False)
        .filter(
            offered_at__lt=first_pause.get(pk, FIRST_ROUND + 100 * WEEK),
        )
        .count()
        for pk in community.silent
    ]
    answered = defaultdict(list)
    for intro in Introduction.objects.filter(
        Q(a_responded_at__isnull=False) | Q(b_responded_at__isnull=False)
    ):
        for side in ("a", "b"):
            at = getattr(intro, f"{side}_responded_at")
            if at is not None:
                answered[getattr(intro, f"member_{side}_id")].append(at)

    def window(w: int) -> tuple[datetime, datetime]:
        start = FIRST_ROUND + w * WEEK
        # The last week also holds the final deadline pass, run at `end` itself.
        last = end + timedelta(seconds=1)
        return start, (last if w == weeks - 1 else start + WEEK)

    streak: Counter = Counter()
    longest = 0
    per_week: list[dict[str, Any]] = []
    silent_first: dict[int, int | None] = dict.fromkeys(community.silent)
    engaged_total = 0
    for w, week in enumerate(history):
        lo, hi = window(w)
        strong = hollow = connections = offcycle_hollow = 0
        for a, b, pk in week.intros:
            rare = bool(judge.tags[a] & judge.tags[b] & judge.rare)
            on_topic = any(judge.complements(a, b))
            strong += rare and on_topic
            if not judge.qualifies(a, b):
                hollow += 1
                offcycle_hollow += pk in week.offcycle
            connections += intro_rows[pk].state == Introduction.State.CONNECTED
        for m in week.with_candidate:
            streak[m] = streak[m] + 1 if m in week.left_out else 0
        week_longest = max((streak[m] for m in week.with_candidate), default=0)
        longest = max(longest, week_longest)
        for pk, at in pauses:
            if pk in silent_first and silent_first[pk] is None and at < hi:
                silent_first[pk] = w + 1
        engaged = sum(
            lo <= at < hi
            and pk not in community.silent
            and any(t < at for t in answered[pk])
            for pk, at in pauses
        )
        engaged_total += engaged
        sent = sum(lo <= at < hi for _, at, _ in emails)
        made = sum(at is not None and lo <= at < hi for at in connected_at)
        n = len(week.intros)
        per_week.append(
            {
                "week": w + 1,
                "pool": len(week.pool),
                "intros": n,
                "strong_share": round(strong / n, 4) if n else None,
                "hollow_intros": hollow,
                "connections": connections,
                "connection_share": round(connections / n, 4) if n else None,
                "left_out_with_candidate": len(week.left_out),
                "max_consecutive_left_out": week_longest,
                "silent_paused_by_week": sum(
                    v is not None for v in silent_first.values()
                ),
                "engaged_paused": engaged,
                "offcycle_hollow": offcycle_hollow,
                "emails": sent,
                "emails_per_connection": round(sent / made, 2) if made else None,
            }
        )
    intros = sum(w["intros"] for w in per_week)
    connections = sum(w["connections"] for w in per_week)
    strong = sum((w["strong_share"] or 0) * w["intros"] for w in per_week)
    total = {
        "intros": intros,
        "strong_share": round(strong / intros, 4) if intros else None,
        "hollow_intros": sum(w["hollow_intros"] for w in per_week),
        "connections": connections,
        "connection_share": round(connections / intros, 4) if intros else None,
        "connection_share_weeks_2_on": _share(per_week[1:]),
        "left_out_with_candidate": sum(w["left_out_with_candidate"] for w in per_week),
        "max_consecutive_left_out": longest,
        "silent_paused_by_week": list(silent_first.values()),
        "silent_offers_before_pause": silent_offers,
        "engaged_paused": engaged_total,
        "offcycle_hollow": sum(w["offcycle_hollow"] for w in per_week),
        "emails": len(emails),
        "emails_per_connection": (
            round(len(emails) / len(connected_at), 2) if connected_at else None
        ),
        "emails_by_kind": dict(sorted(Counter(k for k, _, _ in emails).items())),
        "max_budgeted_emails_in_7_days": _most_in_a_week(emails),
    }
    return {
        "members": members,
        "weeks": weeks,
        "seed": seed,
        "per_week": per_week,
        "total": total,
    }


def _most_in_a_week(emails) -> int:
    """The most offers, reminders and follow-ups one member got in any 7 days."""
    from introductions.outbox import BUDGETED_KINDS

    times = defaultdict(list)
    for kind, at, member in emails:
        if kind in BUDGETED_KINDS:
            times[member].append(at)
    most = 0
    for seen in times.values():
        seen.sort()
        for n, at in enumerate(seen):
            most = max(most, sum(at <= t < at + WEEK for t in seen[n:]))
    return most


def _share(weeks: list[dict]) -> float | None:
    intros = sum(w["intros"] for w in weeks)
    return round(sum(w["connections"] for w in weeks) / intros, 4) if intros else None


def run(args, url: str) -> dict:
    os.environ["DATABASE_URL"] = url
    # Emails are counted in the outbox, never handed to a broker or a mailer.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapevyne.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    figures = simulate(weeks=args.weeks, seed=args.seed, members=args.members)
    for week in figures["per_week"]:
        print(" ".join(f"{k}={v}" for k, v in week.items()))
    print(" ".join(f"{k}={v}" for k, v in figures["total"].items()))
    return figures


def main(args: argparse.Namespace) -> None:
    from bench.seed import scratch_database

    with scratch_database(f"gv_weeks_{os.getpid()}") as url:
        figures = run(args, url)
    print(json.dumps(figures))
