"""Would a thoughtful connector sign this round? A quality benchmark, not a test.

    python bench/quality.py [--seed 7] [--background 240] [--groups 24]
    python bench/quality.py --weeks 6 [--seed 7] [--members 60]

With --weeks, six weeks (or as many as asked) of the whole loop instead of one
round: rounds, offers, answers, reminders, deadlines and auto-pause, on a
community of its own (bench/weeks.py says how and what each figure means).

Creates a scratch database gv_quality_<pid> next to DATABASE_URL's (migrated, so
with the real taxonomy), writes a community of members with known right answers,
runs a whole real round in-process (load, score, pair, explain, write), judges
its introductions with checks of its own (not the engine's code), prints the
figures and drops the database. The last line is one JSON object.

The community (``--groups`` G sets each):

* background members: 3 of 5 popular tags, 3 tags of a pool of 60, one seek and
  one offer, tied to one of their pool tags or to nothing;
* G planted pairs: a tag only the two hold, and a goal on it that one seeks
  and the other offers;
* G popular-only decoys: 4 of the 5 popular tags, no goals;
* G/2 off-topic quartets: X and Y share a rare tag and complement a goal kind
  on different topics (X seeks mentorship in T1, Y offers it in T2); Z offers
  it in T1, W seeks it in T2: the on-topic pairs are X-Z and Y-W;
* G/2 window quartets: M's best pair by score is P, whose call windows (Sydney
  evenings) never meet M's (New York mornings); Q, a little lower, shares M's
  windows, and P2 shares P's.

Figures: planted_recall_at_5 (planted members whose partner is among their 5
best candidates), planted_over_decoy (planted members whose partner ranks above
every decoy), planted_introduced (planted pairs introduced), decoy_introduced,
off_topic_intros (intros whose complementary kinds are all on different topics
where a member had an on-topic partner), false_claims (sentences of the intros'
explanations that bench/claims.py, written apart from the renderer, finds
untrue; null when that checker is not there), hollow_intros (intros with
neither a goal on topic nor a shared tag that is not widely held),
served_share (members introduced / members with a qualifying candidate),
no_window_overlap_intros (intros whose members cannot meet inside both call
windows although one of them had a qualifying partner who could), seconds
(the round).
"""

import argparse
import itertools
import json
import math
import os
import signal
import sys
import time as clock
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import scratch_database  # noqa: E402

NY, SYDNEY = "America/New_York", "Australia/Sydney"
WEEKDAY_HOURS = tuple((d, time(9), time(17)) for d in range(5))
NY_MORNING = ((1, time(8), time(9)), (3, time(8), time(9)))
SYDNEY_EVENING = ((1, time(19), time(20)), (3, time(19), time(20)))


def build(rng, background: int, groups: int) -> dict:
    """Write the community; returns who is who (profile ids)."""
    from profiles.factories import ProfileFactory
    from profiles.models import CallWindow, GoalKind, Interest, MemberGoal

    tags = list(
        Interest.objects.filter(status="active", sensitive=False).order_by("pk")
    )
    kinds = list(GoalKind.objects.filter(is_active=True).order_by("pk"))
    mentorship = next((k for k in kinds if "mentor" in k.slug), kinds[0])
    rng.shuffle(tags)
    popular, pool, rest = tags[:5], tags[5:65], tags[65:]
    unique = iter(rest)

    def take_pair_in_two_categories():
        first = next(unique)
        while True:
            second = next(unique)
            if second.category_id != first.category_id:
                return first, second

    def member(interests, *, goals=(), zone=NY, windows=()):
        profile = ProfileFactory.create(interests=list(interests), time_zone=zone)
        for direction, kind, about in goals:
            MemberGoal.objects.create(
                profile=profile, kind=kind, direction=direction, interest=about
            )
        CallWindow.objects.bulk_create(
            CallWindow(profile=profile, weekday=d, start=a, end=b)
            for d, a, b in windows
        )
        return profile.pk

    def some(items, k):
        return [items[x] for x in rng.choice(len(items), size=k, replace=False)]

    who: dict = {"planted": [], "decoys": [], "off_topic": [], "window": []}
    for _ in range(background):
        mine = some(pool, 3)
        seek, offer = some(kinds, 2)
        goals = [
            ("seek", seek, mine[0] if rng.random() < 0.5 else None),
            ("offer", offer, mine[1] if rng.random() < 0.5 else None),
        ]
        member(some(popular, 3) + mine, goals=goals)
    for _ in range(groups):
        rare = next(unique)
        kind = kinds[int(rng.integers(len(kinds)))]
        a = member(
            [rare, *some(popular, 2), *some(pool, 1)],
            goals=[("seek", kind, rare)],
        )
        b = member(
            [rare, *some(popular, 2), *some(pool, 1)],
            goals=[("offer", kind, rare)],
        )
        who["planted"].append((a, b))
    for _ in range(groups):
        who["decoys"].append(member(some(popular, 4)))
    for _ in range(groups // 2):
        t1, t2 = take_pair_in_two_categories()
        shared = next(unique)
        x = member([t1, shared, *some(popular, 2)], goals=[("seek", mentorship, t1)])
        y = member([t2, shared, *some(popular, 2)], goals=[("offer", mentorship, t2)])
        z = member(
            [t1, *some(popular, 2), *some(pool, 1)], goals=[("offer", mentorship, t1)]
        )
        w = member(
            [t2, *some(popular, 2), *some(pool, 1)], goals=[("seek", mentorship, t2)]
        )
        who["off_topic"].append((x, y, z, w))
    for _ in range(groups // 2):
        u, v, p_tag = next(unique), next(unique), next(unique)
        kind = kinds[int(rng.integers(len(kinds)))]
        # M and P share two rare tags and a goal: their best pair by score.
        m = member(
            [u, v, *some(popular, 2)],
            goals=[("seek", kind, u)],
            windows=NY_MORNING,
        )
        p = member(
            [u, v, p_tag, *some(popular, 1)],
            goals=[("offer", kind, u), ("seek", kind, p_tag)],
            zone=SYDNEY,
            windows=SYDNEY_EVENING,
        )
        q = member(
            [u, *some(popular, 2), *some(pool, 1)],
            goals=[("offer", kind, u)],
            windows=NY_MORNING,
        )
        p2 = member(
            [p_tag, *some(popular, 2), *some(pool, 1)],
            goals=[("offer", kind, p_tag)],
            zone=SYDNEY,
            windows=SYDNEY_EVENING,
        )
        who["window"].append((m, p, q, p2))
    return who


class Judge:
    """The bench's own reading of what makes a pair worth introducing."""

    def __init__(self, now):
        from django.conf import settings

        from profiles.models import CallWindow, MemberGoal, MemberInterest, Profile

        self.now = now
        self.tags: dict[int, set[int]] = {}
        for pid, tid in MemberInterest.objects.filter(
            interest__status="active"
        ).values_list("profile_id", "interest_id"):
            self.tags.setdefault(pid, set()).add(tid)
        self.goals: dict[int, list] = {pid: [] for pid in self.tags}
        for pid, direction, kind, about in MemberGoal.objects.values_list(
            "profile_id", "direction", "kind_id", "interest_id"
        ):
            self.goals.setdefault(pid, []).append((direction, kind, about))
        self.zone = dict(Profile.objects.values_list("pk", "time_zone"))
        self.minutes = dict(Profile.objects.values_list("pk", "meeting_minutes"))
        self.windows: dict[int, list] = {}
        for pid, d, a, b in CallWindow.objects.values_list(
            "profile_id", "weekday", "start", "end"
        ):
            self.windows.setdefault(pid, []).append((d, a, b))
        n = len(self.tags)
        df: dict[int, int] = {}
        for held in self.tags.values():
            for t in held:
                df[t] = df.get(t, 0) + 1
        # The README's definition of "widely held", with its defaults where
        # an engine without the floor has no such settings.
        common = max(
            getattr(settings, "MATCHING_COMMON_TAG_MIN_MEMBERS", 10),
            math.ceil(getattr(settings, "MATCHING_COMMON_TAG_SHARE", 0.05) * n),
        )
        self.rare = {t for t, c in df.items() if c < common}

    def complements(self, a: int, b: int) -> list[bool]:
        """Per seek/offer of one kind between them: is it on topic (same
        interest, or either side about nothing in particular)?"""
        out = []
        for s, o in ((a, b), (b, a)):
            for d1, k1, t1 in self.goals.get(s, []):
                for d2, k2, t2 in self.goals.get(o, []):
                    if d1 == "seek" and d2 == "offer" and k1 == k2:
                        out.append(t1 is None or t2 is None or t1 == t2)
        return out

    def qualifies(self, a: int, b: int) -> bool:
        return any(self.complements(a, b)) or bool(
            self.tags[a] & self.tags[b] & self.rare
        )

    def can_meet(self, a: int, b: int) -> bool:
        from introductions.calendar import propose_slots

        minutes = max(self.minutes[a], self.minutes[b])
        slots = propose_slots(
            windows_a=self.windows.get(a, []),
            zone_a=self.zone[a],
            windows_b=self.windows.get(b, []),
            zone_b=self.zone[b],
            minutes=minutes,
            now=self.now,
            count=1,
        )
        return bool(slots) and all(self._inside(slots[0], minutes, m) for m in (a, b))

    def _inside(self, slot, minutes, member) -> bool:
        zone = ZoneInfo(self.zone[member])
        lo = slot.astimezone(zone)
        hi = (slot + timedelta(minutes=minutes)).astimezone(zone)
        return any(
            lo.date() == hi.date()
            and lo.weekday() == d
            and a <= lo.time()
            and hi.time() <= b
            for d, a, b in self.windows.get(member) or WEEKDAY_HOURS
        )


def false_claims_of(intros) -> int | None:
    try:
        from bench.claims import intro_false_claims
    except ImportError:
        return None
    return sum(len(intro_false_claims(intro)) for intro in intros)


def run(args, url: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapevyne.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from introductions.models import Introduction
    from matching import services
    from matching.models import Candidate, Round, RoundPair

    call_command("migrate", verbosity=0)
    # Bench members never log in: a cheap hash keeps generation quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rng = np.random.default_rng(args.seed)
    started = clock.perf_counter()
    who = build(rng, args.background, args.groups)
    print(f"generated the community in {clock.perf_counter() - started:.1f} s")

    started = clock.perf_counter()
    created = services.round_create(trigger=Round.Trigger.COMMAND)
    if created is None:
        raise RuntimeError("another round holds the matching lock")
    round_ = services.round_run_sync(round_id=created.pk)
    seconds = clock.perf_counter() - started

    judge = Judge(round_.started_at)
    pairs = [
        (p.member_a_id, p.member_b_id) for p in RoundPair.objects.filter(round=round_)
    ]
    intro_of = {frozenset(p): True for p in pairs}
    partners: dict[int, list[int]] = {}
    for a, b in pairs:
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    ranked: dict[int, list[int]] = {}
    for member_id, cand in (
        Candidate.objects.filter(round=round_)
        .order_by("member_id", "rank")
        .values_list("member_id", "candidate_id")
    ):
        ranked.setdefault(member_id, []).append(cand)

    planted_sides = [(a, b) for a, b in who["planted"]] + [
        (b, a) for a, b in who["planted"]
    ]
    decoys = set(who["decoys"])

    def rank_of(member_id, other):
        mine = ranked.get(member_id, [])
        return mine.index(other) if other in mine else math.inf

    recall = sum(rank_of(m, p) < 5 for m, p in planted_sides) / len(planted_sides)
    over_decoy = sum(
        all(rank_of(m, p) < rank_of(m, d) for d in decoys) for m, p in planted_sides
    ) / len(planted_sides)
    planted_introduced = sum(frozenset(p) in intro_of for p in who["planted"]) / len(
        who["planted"]
    )
    decoy_introduced = sum(a in decoys or b in decoys for a, b in pairs)

    members = list(judge.tags)
    on_topic_partner = {m: False for m in members}
    can_meet_partner = {m: False for m in members}
    qualifying: dict[int, list[int]] = {m: [] for m in members}
    for a, b in itertools.combinations(members, 2):
        if judge.qualifies(a, b):
            qualifying[a].append(b)
            qualifying[b].append(a)
        if any(judge.complements(a, b)):
            on_topic_partner[a] = on_topic_partner[b] = True

    hollow = off_topic = no_overlap = 0
    for a, b in pairs:
        if not judge.qualifies(a, b):
            hollow += 1
        kinds = judge.complements(a, b)
        if kinds and not any(kinds) and (on_topic_partner[a] or on_topic_partner[b]):
            off_topic += 1
        if not judge.can_meet(a, b):
            for m in (a, b):
                if not can_meet_partner[m]:
                    can_meet_partner[m] = any(
                        judge.can_meet(m, o) for o in qualifying[m]
                    )
            if can_meet_partner[a] or can_meet_partner[b]:
                no_overlap += 1

    intros = list(
        Introduction.objects.filter(
            pk__in=[
                p.introduction_id
                for p in RoundPair.objects.filter(round=round_)
                if p.introduction_id
            ]
        )
    )
    claims = false_claims_of(intros)
    with_candidate = sum(bool(qualifying[m]) for m in members)
    served = len(partners)
    figures = {
        "members": len(members),
        "intros": len(pairs),
        "members_served": served,
        "members_with_candidate": with_candidate,
        "planted_recall_at_5": round(recall, 4),
        "planted_over_decoy": round(over_decoy, 4),
        "planted_introduced": round(planted_introduced, 4),
        "decoy_introduced": decoy_introduced,
        "off_topic_intros": off_topic,
        "false_claims": claims,
        "hollow_intros": hollow,
        "served_share": round(served / max(1, with_candidate), 4),
        "no_window_overlap_intros": no_overlap,
        "seconds": round(seconds, 2),
    }
    for key, value in figures.items():
        print(f"{key:>26}  {value}")
    if claims is None:
        print("false_claims: no bench/claims.py checker here, so not counted")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--background", type=int, default=240)
    parser.add_argument("--groups", type=int, default=24)
    parser.add_argument(
        "--weeks", type=int, help="run this many weekly rounds (bench/weeks.py)"
    )
    parser.add_argument(
        "--members", type=int, default=60, help="community size with --weeks"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.weeks:
        from bench.weeks import main as weeks_main

        weeks_main(args)
        return
    with scratch_database(f"gv_quality_{os.getpid()}") as url:
        result = run(args, url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
