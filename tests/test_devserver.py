"""The parts of `make run` that decide and prepare; the long-running loop is tried by
hand (see the devserver module docstring)."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from grapevyne import devserver, devservices
from grapevyne.redis_urls import cache_url_for


@pytest.mark.parametrize(
    ("url", "mode", "reachable", "installed", "expected"),
    [
        ("postgres://db/x", "auto", False, False, devservices.FROM_ENV),
        ("postgres://db/x", "embedded", True, True, devservices.FROM_ENV),
        (None, "auto", True, True, devservices.RUNNING),
        (None, "auto", False, True, devservices.START_LOCAL),
        (None, "auto", False, False, devservices.EMBEDDED),
        ("", "auto", False, False, devservices.EMBEDDED),
        (None, "embedded", True, True, devservices.EMBEDDED),
    ],
)
def test_it_chooses_where_a_service_comes_from(
    url, mode, reachable, installed, expected
):
    source = devservices.choose_source(
        url=url, mode=mode, reachable=reachable, installed=installed
    )

    assert source == expected


def test_the_services_mode_defaults_to_auto():
    assert devservices.services_mode({}) == "auto"
    assert devservices.services_mode({"GRAPEVYNE_DEV_SERVICES": " Embedded "}) == (
        "embedded"
    )


def test_it_rejects_an_unknown_services_mode():
    with pytest.raises(devservices.DevServerError, match="GRAPEVYNE_DEV_SERVICES"):
        devservices.services_mode({"GRAPEVYNE_DEV_SERVICES": "docker"})


def test_services_from_the_environment_are_used_as_given():
    env = {
        "DATABASE_URL": "postgres://postgres@db.invalid:5432/elsewhere",
        "REDIS_URL": "redis://cache.invalid:6379/4",
    }

    services = devservices.find_services(env)

    assert services.database_url == env["DATABASE_URL"]
    assert services.redis_url == env["REDIS_URL"]
    assert services.pg_server is None
    assert services.redis_process is None


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/10", "redis://127.0.0.1:6379/11"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"),
        ("redis://:secret@redis:6379/2", "redis://:secret@redis:6379/3"),
    ],
)
def test_the_cache_gets_the_redis_database_after_the_brokers(redis_url, expected):
    assert cache_url_for(redis_url) == expected


def test_it_sees_whether_a_port_is_listening():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert devservices.is_reachable("127.0.0.1", port)

    assert not devservices.is_reachable("127.0.0.1", port)


def test_it_reads_a_socket_folder_from_a_percent_encoded_host():
    params = devserver.connection_params(
        "postgres://postgres@%2Fsrv%2Fgv%2Fpgdata/grapevyne"
    )

    assert params == {
        "dbname": "grapevyne",
        "host": "/srv/gv/pgdata",
        "user": "postgres",
    }


def test_it_reads_host_port_and_password():
    params = devserver.connection_params("postgres://app:s3cret@db:5433/gv")

    assert params == {
        "dbname": "gv",
        "host": "db",
        "port": "5433",
        "user": "app",
        "password": "s3cret",
    }


@pytest.fixture
def scratch_database_url():
    """A DATABASE_URL on the test server naming a database that does not exist yet."""
    base = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grapevyne"
    )
    name = f"gv_devserver_scratch_{uuid.uuid4().hex[:12]}"
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    yield url, name
    params = devserver.connection_params(url)
    params.pop("dbname")
    with psycopg.connect(
        make_conninfo(**params, dbname="postgres"), autocommit=True
    ) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _database_exists(url: str, name: str) -> bool:
    params = devserver.connection_params(url)
    params.pop("dbname")
    with psycopg.connect(make_conninfo(**params, dbname="postgres")) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return row is not None


def test_it_creates_a_missing_database_once(scratch_database_url):
    url, name = scratch_database_url
    assert not _database_exists(url, name)

    assert devserver.ensure_database(url) is True
    assert _database_exists(url, name)
    assert devserver.ensure_database(url) is False


def test_web_worker_and_beat_come_from_the_procfile():
    commands = devserver.procfile_commands()

    assert set(commands) == {"web", "worker", "beat"}
    assert commands["web"].endswith("runserver 127.0.0.1:$PORT")
    assert "--concurrency" in commands["worker"]
    assert "--schedule var/" in commands["beat"]


def test_the_processes_get_the_port_and_this_virtualenv_first_on_path():
    env = devserver.process_env({"PATH": "/usr/bin", "REDIS_URL": "redis://r/4"}, 8123)

    assert env["PORT"] == "8123"
    assert env["REDIS_URL"] == "redis://r/4"
    assert env["PATH"].split(os.pathsep) == [
        str(Path(sys.executable).parent),
        "/usr/bin",
    ]


def _start_like_a_stale_cluster() -> None:
    """What pg_ctlcluster does when its pid file says running but nothing listens
    here: it refuses, with a non-zero exit."""
    subprocess.run(
        [sys.executable, "-c", "import sys; sys.exit('Cluster is already running.')"],
        check=True,
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_that_never_listens() -> None:
    devservices.wait_until_reachable("127.0.0.1", _closed_port(), "Redis", seconds=0.3)


@pytest.mark.parametrize(
    "start_local", [_start_like_a_stale_cluster, _start_that_never_listens]
)
def test_a_local_service_that_will_not_start_gives_way_to_the_embedded_one(
    start_local, capsys
):
    url, source = devservices.service_url(
        devservices.START_LOCAL,
        name="PostgreSQL",
        env_url="",
        local_url="postgres://postgres@127.0.0.1:5432/grapevyne",
        start_local=start_local,
        start_embedded=lambda: "postgres://postgres@%2Fvar%2Fpgdata/grapevyne",
    )

    assert (url, source) == (
        "postgres://postgres@%2Fvar%2Fpgdata/grapevyne",
        devservices.EMBEDDED,
    )
    note = capsys.readouterr().out
    assert "the local PostgreSQL did not start" in note
    assert "using an embedded PostgreSQL instead" in note


def test_a_local_service_that_starts_is_used():
    started = []

    url, source = devservices.service_url(
        devservices.START_LOCAL,
        name="Redis",
        env_url="",
        local_url="redis://127.0.0.1:6379/0",
        start_local=lambda: started.append("local"),
        start_embedded=lambda: started.append("embedded") or "redis://other",
    )

    assert (url, source) == ("redis://127.0.0.1:6379/0", devservices.START_LOCAL)
    assert started == ["local"]
