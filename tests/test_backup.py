"""`make backup` / `make restore`: a dump brings back the same members and intros."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from grapevyne.backup import libpq_env
from introductions.models import Introduction
from profiles.factories import InterestFactory, ProfileFactory
from profiles.models import MemberInterest, Profile, User

BASE_DIR = Path(__file__).resolve().parent.parent


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}"
        f"@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


def _backup_module(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "grapevyne.backup", *args],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )


def _snapshot() -> dict:
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email")),
        "profiles": list(
            Profile.objects.order_by("pk").values_list(
                "pk", "user_id", "display_name", "city", "bio", "onboarded_at"
            )
        ),
        "interests": list(
            MemberInterest.objects.order_by("pk").values_list(
                "pk", "profile_id", "interest__name"
            )
        ),
        "intros": list(
            Introduction.objects.order_by("pk").values_list(
                "pk", "member_a_id", "member_b_id", "state", "score", "explanation"
            )
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_the_same_members_and_intros(tmp_path):
    interests = [InterestFactory(name=f"Backup interest {i}") for i in range(3)]
    members = [
        ProfileFactory(
            interests=interests, onboarded_at=timezone.now(), bio=f"Bio é {i}"
        )
        for i in range(4)
    ]
    Introduction.objects.create(
        member_a=members[0],
        member_b=members[1],
        score=0.75,
        explanation={"shared_interests": ["Backup interest 0"]},
    )
    Introduction.objects.create(
        member_a=members[2],
        member_b=members[3],
        score=0.5,
        state=Introduction.State.CONNECTED,
        explanation={"shared_interests": ["Backup interest 1"]},
    )
    before = _snapshot()
    database_url = _test_database_url()

    dumped = _backup_module("backup", "--dir", str(tmp_path), database_url=database_url)

    assert dumped.returncode == 0, dumped.stderr
    dump = Path(dumped.stdout.strip())
    assert dump.parent == tmp_path
    assert dump.name.startswith("grapevyne-")
    assert dump.suffix == ".dump"
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    Introduction.objects.all().delete()
    User.objects.filter(pk__in=[m.user_id for m in members]).delete()
    ProfileFactory(display_name="Joined after the backup")
    assert _snapshot() != before

    restored = _backup_module("restore", str(dump), database_url=database_url)

    assert restored.returncode == 0, restored.stderr
    after = _snapshot()
    assert after == before
    assert len(after["profiles"]) == 4
    assert len(after["intros"]) == 2
    assert not Profile.objects.filter(display_name="Joined after the backup").exists()


def test_restore_refuses_a_missing_file(tmp_path):
    result = _backup_module(
        "restore",
        str(tmp_path / "nope.dump"),
        database_url="postgres://postgres@127.0.0.1:5432/does_not_matter",
    )

    assert result.returncode != 0
    assert "No such dump" in result.stderr


def test_make_restore_refuses_without_a_file():
    result = subprocess.run(
        ["make", "--no-print-directory", "restore"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "usage: make restore FILE=" in result.stdout


def test_it_reads_every_part_of_the_database_url():
    env = libpq_env(
        "postgres://app%40ops:p%3Ass%2Fword@db.internal:6543/grapevyne_prod"
        "?sslmode=require&connect_timeout=5"
    )

    assert env == {
        "PGDATABASE": "grapevyne_prod",
        "PGHOST": "db.internal",
        "PGPORT": "6543",
        "PGUSER": "app@ops",
        "PGPASSWORD": "p:ss/word",
        "PGSSLMODE": "require",
        "PGCONNECT_TIMEOUT": "5",
    }


def test_it_reads_a_unix_socket_database_url():
    env = libpq_env("postgres://%2Fvar%2Frun%2Fpostgresql/grapevyne")

    assert env == {"PGDATABASE": "grapevyne", "PGHOST": "/var/run/postgresql"}


def test_it_refuses_a_database_that_is_not_postgresql():
    with pytest.raises(SystemExit, match="Only PostgreSQL"):
        libpq_env("sqlite:///tmp/grapevyne.sqlite3")
