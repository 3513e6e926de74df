"""Seeding shared by the benchmarks: a scratch database full of members who can log in.

`scratch_database()` creates and always drops a database next to DATABASE_URL's;
`seed_site()` fills a migrated one with matching.synthetic's population (through
bench.matching's COPY loader), then makes it look like a live site: onboarded
members with names, roles, cities and search documents, one known password for
all, and open offers whose signed email links are returned for the load test.
Django must be set up (with the SECRET_KEY of the server under test) before
`seed_site()` is called.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import psycopg

# Bench members' shared password; the benchmark prints nothing else secret.
PASSWORD = "bench-password-1234"  # noqa: S105

_FIRST = (
    "Ana",
    "Ben",
    "Chloe",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jamal",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
    "Amir",
    "Bianca",
    "Carlos",
    "Daria",
    "Emeka",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
)
_LAST = (
    "Garcia",
    "Smith",
    "Nguyen",
    "Patel",
    "Kim",
    "Mueller",
    "Rossi",
    "Silva",
    "Cohen",
    "Okafor",
    "Tanaka",
    "Novak",
    "Haddad",
    "Larsen",
    "Costa",
    "Moreau",
    "Singh",
    "Ivanova",
    "Walker",
    "Chen",
    "Dubois",
    "Yilmaz",
    "Mensah",
    "Kowalski",
    "Fischer",
    "Romero",
    "Sato",
    "Bauer",
    "Lopez",
    "Ahmed",
    "Murphy",
    "Jensen",
    "Schmidt",
    "Park",
    "Alvarez",
    "Rahman",
    "Weber",
    "Nakamura",
    "Brown",
    "Hughes",
    "Reyes",
    "Ortiz",
    "Khan",
    "Santos",
    "Meyer",
    "Bianchi",
    "Abe",
    "Lindqvist",
    "Oduya",
    "Varga",
)
_CITIES = (
    "Boston",
    "Chicago",
    "Denver",
    "Houston",
    "Seattle",
    "Atlanta",
    "Portland",
    "Austin",
    "Miami",
    "Phoenix",
    "Baltimore",
    "Cleveland",
    "Nashville",
    "Pittsburgh",
    "Madison",
)


def admin_dsn(url: str) -> tuple[str, str]:
    base, _, _ = url.rpartition("/")
    return base, f"{base}/postgres"


@contextlib.contextmanager
def scratch_database(name: str, url: str | None = None) -> Iterator[str]:
    """Create database `name` next to DATABASE_URL's; drop it on the way out."""
    url = url or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grapevyne"
    )
    base, admin = admin_dsn(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sql_array(words: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(f"'{w}'" for w in words) + "]"


def seed_site(n: int, *, seed: int = 7, intros: int = 3000, sessions: int = 0) -> dict:
    """Seed n members and `intros` open offers; returns what a load test needs.

    {"emails": [...], "accept_links": [...], "sessions": [...], "tag_slugs": [...],
    "specialty_slugs": [...], "goal_slugs": [...], "names": [...], "member_ids":
    [...]}: accept links are paths to the members' own signed links (one side of
    each offer), sessions are session keys of members already logged in.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone

    from bench.matching import load_members
    from introductions import tokens
    from introductions.models import Introduction
    from profiles.models import GoalKind, Interest, Specialty, User
    from profiles.services import profiles_refresh_search_vectors

    generated = load_members(n, seed)
    now = timezone.now()
    # One hash for everyone: hashing 100,000 passwords would take a day.
    password_hash = make_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE profiles_user SET password = %s", [password_hash])
        # Deterministic, varied names and places; the role and stage follow the id.
        cursor.execute(
            f"""
            UPDATE profiles_profile SET
                display_name = 'Dr. '
                    || ({_sql_array(_FIRST)})[1 + id %% {len(_FIRST)}] || ' '
                    || ({_sql_array(_LAST)})[1 + (id * 7919) %% {len(_LAST)}],
                role = (ARRAY['attending', 'attending', 'resident', 'fellow',
                              'student', 'retired'])[1 + id %% 6],
                career_stage = (ARRAY['early', 'mid', 'training', 'training',
                                      'clinical', 'retired'])[1 + id %% 6],
                city = ({_sql_array(_CITIES)})[1 + (id * 31) %% {len(_CITIES)}],
                country = 'US',
                institution = 'General Hospital ' || (id %% 300),
                bio = 'Physician who enjoys teaching, research and long walks.',
                onboarded_at = %s
            """,
            [now - timedelta(days=30)],
        )
    profiles_refresh_search_vectors(profile_ids=range(1, n + 1))

    rng = np.random.default_rng(seed + 1)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < min(intros, n // 2):
        a, b = (int(x) for x in rng.integers(1, n + 1, size=2))
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    with transaction.atomic():
        created = Introduction.objects.bulk_create(
            Introduction(
                member_a_id=a,
                member_b_id=b,
                state=Introduction.State.OFFERED,
                score=0.5,
                offered_at=now,
                expires_at=now + timedelta(days=7),
            )
            for a, b in sorted(pairs)
        )
    accept_links = []
    for i, intro in enumerate(created):
        member = intro.member_a_id if i % 2 else intro.member_b_id
        if member is None:
            raise ValueError(f"Seeded intro {intro.pk} lost a member")
        token = tokens.make_token(
            action=tokens.ACCEPT, member_id=member, intro_id=intro.pk
        )
        accept_links.append(reverse("intro_link_accept", args=[token]))

    # Members who logged in earlier: most of a site's traffic carries a session.
    session_keys = []
    users = User.objects.filter(pk__in=rng.choice(n, size=sessions, replace=False) + 1)
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        session_keys.append(store.session_key)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    login_ids = rng.choice(n, size=min(n, 2000), replace=False) + 1
    return {
        **generated,
        "members": n,
        "emails": [f"member{i}@bench.example" for i in login_ids.tolist()],
        "password": PASSWORD,
        "accept_links": accept_links,
        "sessions": session_keys,
        "member_ids": (rng.choice(n, size=min(n, 5000), replace=False) + 1).tolist(),
        "tag_slugs": list(
            Interest.objects.filter(slug__startswith="tag-", sensitive=False)
            .order_by("pk")
            .values_list("slug", flat=True)
        ),
        "specialty_slugs": list(Specialty.objects.values_list("slug", flat=True)),
        "goal_slugs": list(GoalKind.objects.values_list("slug", flat=True)),
        "names": sorted(_LAST),
    }


# The score's parts a round stores on each intro it proposes (the learning
# page's calibration reads them), consistent with the explanation seeded beside
# them: from the generated x, y, score and u of each intro.
_COMPONENT_COLUMNS = (
    "component_interest, component_goal_units, component_cross_specialty, "
    "component_prefers_other, component_windows_overlap"
)
_COMPONENT_VALUES = """
  CASE WHEN u < 0.7 THEN 0.05 + 0.9 * score * u / 0.7 ELSE 0 END,
  CASE WHEN score > 0.5 THEN floor(score * 12)::int ELSE 0 END,
  x %% 3 <> y %% 3, x %% 3 <> y %% 3 AND (x + y) %% 5 = 0,
  CASE WHEN x %% 7 = 0 THEN NULL ELSE y %% 4 <> 0 END
"""


def seed_history(n: int, intros: int, *, rounds: int = 50, seed: int = 7) -> None:
    """Past rounds with `intros` closed intros among members 1..n, for the insights
    page at scale: weekly rounds, the last one a week ago. Written by INSERT ...
    SELECT in PostgreSQL without per-row foreign key checks (generated consistent,
    as in bench.matching's COPY), a million rows in a few minutes; outcomes depend
    on the score, a third of connections have a follow-up answer.
    """
    from django.db import connection
    from django.utils import timezone

    from matching.models import Round

    now = timezone.now()
    made = [
        Round.objects.create(
            trigger=Round.Trigger.BEAT,
            status=Round.Status.DONE,
            created_at=now - timedelta(weeks=rounds - r),
            finished_at=now - timedelta(weeks=rounds - r, minutes=-30),
            members_considered=int(n * 0.8),
        )
        for r in range(rounds)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(%s)", [1 / (seed + 1)])
        cursor.execute(
            f"""
            WITH g AS (
              SELECT s, 1 + floor(random() * %(n)s)::int AS x,
                     1 + floor(random() * %(n)s)::int AS y,
                     random() AS score, random() AS u,
                     1 + s %% %(rounds)s AS r
              FROM generate_series(1, %(intros)s) s
            ), o AS (
              SELECT g.*, (%(times)s::timestamptz[])[r] + interval '1 hour' AS at,
                     CASE WHEN u < 0.15 + 0.45 * score THEN 'connected'
                          WHEN u < 0.8 THEN 'expired' ELSE 'declined' END AS state
              FROM g WHERE x <> y
            )
            INSERT INTO introductions_introduction (
              member_a_id, member_b_id, state, score, explanation, a_response,
              b_response, a_responded_at, b_responded_at, offered_at, connected_at,
              closed_at, a_decline_reason, b_decline_reason, proposed_slots, note,
              created_at, updated_at, {_COMPONENT_COLUMNS})
            SELECT least(x, y), greatest(x, y), state, score,
              jsonb_build_object('shared_interests',
                CASE WHEN u < 0.7 THEN '["x"]'::jsonb ELSE '[]'::jsonb END,
                'goals',
                CASE WHEN score > 0.5 THEN '[{{}}]'::jsonb ELSE '[]'::jsonb END,
                'cross_specialty', x %% 3 <> y %% 3),
              CASE WHEN state = 'connected' THEN 'accepted'
                   WHEN state = 'declined' THEN 'declined' ELSE '' END,
              CASE WHEN state = 'connected' THEN 'accepted' ELSE '' END,
              CASE WHEN state <> 'expired' THEN at + (u * interval '3 days') END,
              CASE WHEN state = 'connected' THEN at + (score * interval '5 days') END,
              at, CASE WHEN state = 'connected' THEN at + interval '5 days' END,
              at + interval '7 days', '', '', '[]', '', at - interval '1 hour',
              least(at + interval '7 days', %(seeded)s), {_COMPONENT_VALUES}
            FROM o ORDER BY r
            """,
            {
                "n": n,
                "intros": intros,
                "rounds": rounds,
                "times": [r.created_at for r in made],
                # Last changed when they closed, or before now for the latest
                # round's (the week's rollup finds the changes seed_week makes).
                "seeded": now - timedelta(hours=1),
            },
        )
        # Each intro in the round of the week it was proposed in.
        cursor.execute(
            """
            INSERT INTO matching_roundpair (
              round_id, member_a_id, member_b_id, score, explanation, introduction_id)
            SELECT r.id, i.member_a_id, i.member_b_id, i.score, '{}', i.id
            FROM introductions_introduction i
            JOIN matching_round r ON i.created_at = r.created_at
            WHERE r.id = ANY(%(ids)s)
            ON CONFLICT DO NOTHING
            """,
            {"ids": [r.pk for r in made]},
        )
        cursor.execute(
            """
            INSERT INTO introductions_feedback (
              intro_id, member_id, met, rating, created_at, updated_at)
            SELECT id, member_a_id, CASE WHEN score > 0.3 THEN 'yes' ELSE 'no' END,
                   1 + floor(score * 4.99)::int, connected_at + interval '10 days',
                   connected_at + interval '10 days'
            FROM introductions_introduction
            WHERE state = 'connected' AND id % 3 = 0
            """
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE")


def seed_week(n: int, intros: int, *, seed: int = 7) -> dict:
    """A normal week after seed_history, as the insights rollup meets it: a new
    round proposes `intros` intros among members 1..n and offers them (some
    already answered, connected or declined), the previous round's unanswered
    offers expire, and a third of the connections of the round two weeks back
    get their follow-up answer. Returns the new round's id and how many rows of
    each kind changed.
    """
    from django.db import connection
    from django.utils import timezone

    from matching.models import Round

    now = timezone.now()
    round_ = Round.objects.create(
        trigger=Round.Trigger.BEAT,
        status=Round.Status.DONE,
        created_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=1),
        members_considered=int(n * 0.8),
    )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(%s)", [1 / (seed + 2)])
        cursor.execute(
            f"""
            WITH g AS (
              SELECT 1 + floor(random() * %(n)s)::int AS x,
                     1 + floor(random() * %(n)s)::int AS y,
                     random() AS score, random() AS u
              FROM generate_series(1, %(intros)s)
            ), o AS (
              SELECT *, CASE WHEN u < 0.2 * score THEN 'connected'
                             WHEN u < 0.3 THEN 'declined' ELSE 'offered' END AS state
              FROM g WHERE x <> y
            )
            INSERT INTO introductions_introduction (
              member_a_id, member_b_id, state, score, explanation, a_response,
              b_response, a_responded_at, b_responded_at, offered_at, connected_at,
              expires_at, a_decline_reason, b_decline_reason, proposed_slots, note,
              created_at, updated_at, {_COMPONENT_COLUMNS})
            SELECT least(x, y), greatest(x, y), state, score,
              jsonb_build_object('shared_interests',
                CASE WHEN u < 0.7 THEN '["x"]'::jsonb ELSE '[]'::jsonb END,
                'goals',
                CASE WHEN score > 0.5 THEN '[{{}}]'::jsonb ELSE '[]'::jsonb END,
                'cross_specialty', x %% 3 <> y %% 3),
              CASE WHEN state = 'connected' THEN 'accepted'
                   WHEN state = 'declined' THEN 'declined'
                   WHEN u < 0.6 THEN 'accepted' ELSE '' END,
              CASE WHEN state = 'connected' THEN 'accepted' ELSE '' END,
              CASE WHEN state <> 'offered' OR u < 0.6
                   THEN %(now)s - u * interval '1 hour' END,
              CASE WHEN state = 'connected' THEN %(now)s - u * interval '1 hour' END,
              %(at)s, CASE WHEN state = 'connected' THEN %(now)s END,
              %(at)s + interval '7 days', '', '', '[]', '', %(at)s, %(now)s,
              {_COMPONENT_VALUES}
            FROM o
            """,
            {"n": n, "intros": intros, "now": now, "at": round_.created_at},
        )
        proposed = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO matching_roundpair (
              round_id, member_a_id, member_b_id, score, explanation, introduction_id)
            SELECT %(round)s, member_a_id, member_b_id, score, '{}', id
            FROM introductions_introduction WHERE created_at = %(at)s
            ON CONFLICT DO NOTHING
            """,
            {"round": round_.pk, "at": round_.created_at},
        )
        cursor.execute(
            """
            INSERT INTO introductions_feedback (
              intro_id, member_id, met, rating, created_at, updated_at)
            SELECT i.id, i.member_b_id, 'yes', 4, %(now)s, %(now)s
            FROM introductions_introduction i
            WHERE i.created_at = (
                SELECT created_at FROM matching_round
                WHERE NOT dry_run ORDER BY created_at DESC OFFSET 2 LIMIT 1)
              AND i.state = 'connected' AND i.id %% 3 = 1
            ON CONFLICT DO NOTHING
            """,
            {"now": now},
        )
        answered = cursor.rowcount
        # The previous round's offers nobody answered ran out this week.
        cursor.execute(
            """
            UPDATE introductions_introduction SET updated_at = %(now)s
            WHERE created_at = (
                SELECT created_at FROM matching_round
                WHERE NOT dry_run ORDER BY created_at DESC OFFSET 1 LIMIT 1)
              AND state = 'expired'
            """,
            {"now": now},
        )
        expired = cursor.rowcount
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    return {
        "round": round_.pk,
        "intros": proposed,
        "feedback": answered,
        "expired": expired,
    }


def seed_staff(count: int) -> list[dict]:
    """Staff members (with verified addresses, from seed_site) who sign in with
    the site's password and an authenticator app: [{"email", "secret"}]."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from profiles.models import User

    staff = []
    for user in User.objects.filter(pk__in=range(1, count + 1)).order_by("pk"):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        staff.append({"email": user.email, "secret": secret})
    return staff


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (Django must be set up)."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    # The counters run from the tolerated past to the future: the middle is now.
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
