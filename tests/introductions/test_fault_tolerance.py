"""The outbox under faults: a worker SIGKILLed mid-send, then the broker restarted.

Everything runs for real: a private redis-server (never the shared one on 6379, and
started without persistence so a restart loses every queued task), Celery workers as
subprocesses on the test database, and a mail backend that writes each accepted
message to its own fsynced file (tests/introductions/durable_mail.py).

The guarantee under test is at-least-once: no email is lost, and an email goes out
twice only when the worker died after the server accepted it and before the row was
committed as sent; Message-ID `<outbox-{id}@grapevyne>` makes that repeat recognisable.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db.models import F

from introductions.models import Introduction, OutboxEmail
from profiles.factories import ProfileFactory

from .conftest import EXPLANATION

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

PAIRS = 20
TIMEOUT = 60.0
REDIS_SERVER = "redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(predicate, *, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    pytest.fail(f"Timed out waiting for {what}")


def _kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


class PrivateRedis:
    """A redis-server of our own, so that killing and restarting it harms nobody."""

    def __init__(self, log_dir: Path, spawn) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log_dir / "redis.log"
        self.spawn = spawn
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = self.spawn(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            self.log,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        _wait_until(answers, what="the private redis-server", timeout=20)

    def stop(self) -> None:
        assert self.process is not None, "stop() before start()"
        _kill_group(self.process, signal.SIGTERM)

    def queued(self) -> int:
        return redis.Redis(port=self.port).llen("celery")


@pytest.fixture
def spawn(tmp_path):
    """Start subprocesses in their own process groups; kill every one at teardown."""
    started: list[subprocess.Popen] = []

    def start(argv: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603
                argv,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        _kill_group(process)


@pytest.fixture
def private_redis(tmp_path, spawn):
    server = PrivateRedis(tmp_path, spawn)
    server.start()
    return server


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_env(broker_url: str, mail_dir: Path) -> dict:
    base = broker_url.rsplit("/", 1)[0]
    return {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CACHE_URL": f"{base}/1",
        "EMAIL_BACKEND": "tests.introductions.durable_mail.DurableSlowFileBackend",
        "DEV_MAIL_DIR": str(mail_dir),
        # Most of each send is spent waiting for the server's reply, so the kill
        # usually lands in the at-least-once window the test is about.
        "FAULT_MAIL_LATENCY_BEFORE": "0.02",
        "FAULT_MAIL_LATENCY_AFTER": "0.15",
        "SENTRY_DSN": "",
    }


def _start_worker(spawn, env: dict, log: Path) -> subprocess.Popen:
    celery = str(Path(sys.executable).parent / "celery")
    return spawn(
        [
            celery,
            "-A",
            "grapevyne",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        log,
        env,
    )


def _send_task(broker_url: str, name: str) -> None:
    # A throwaway client app, so the test process's own Celery app (and the shared
    # broker it points at) is never touched.
    with Celery("fault-test-client", broker=broker_url, set_as_current=False) as client:
        client.send_task(name)


def _sent_ids() -> set[int]:
    return set(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).values_list(
            "pk", flat=True
        )
    )


def _read_mail(mail_dir: Path) -> list:
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in mail_dir.glob("*.eml")]


def _mail_count(mail_dir: Path) -> int:
    return sum(1 for _ in mail_dir.glob("*.eml"))


def _seed_proposed_intros() -> None:
    members = [ProfileFactory.create() for _ in range(2 * PAIRS)]
    Introduction.objects.bulk_create(
        Introduction(
            member_a=a, member_b=b, score=0.5, explanation=EXPLANATION.to_json()
        )
        for a, b in zip(members[::2], members[1::2], strict=True)
    )


def test_no_email_is_lost_or_resent_after_a_worker_kill_and_a_broker_restart(
    tmp_path, spawn, private_redis
):
    mail_dir = tmp_path / "mail"
    env = _worker_env(private_redis.url, mail_dir)
    _seed_proposed_intros()

    first = _start_worker(spawn, env, tmp_path / "worker-1.log")
    # The real beat task offers every intro and enqueues both offer emails of each.
    _send_task(private_redis.url, "introductions.tasks.offer_proposed")
    # Kill while an accepted email's row is not yet committed as sent, if the poll
    # catches one; the assertions hold wherever the kill lands.
    _wait_until(
        lambda: (
            (sent := len(_sent_ids())) >= PAIRS // 2
            and (_mail_count(mail_dir) > sent or sent >= 3 * PAIRS // 2)
        ),
        what="the first emails to go out",
    )
    _kill_group(first, signal.SIGKILL)

    sent_at_kill = _sent_ids()
    accepted_at_kill = {m["Message-ID"] for m in _read_mail(mail_dir)}
    assert OutboxEmail.objects.count() == 2 * PAIRS
    assert 0 < len(sent_at_kill) < 2 * PAIRS, "the kill must land mid-stream"

    private_redis.stop()
    private_redis.start()
    assert private_redis.queued() == 0, "the restart should lose the queued tasks"

    # The sweep only re-enqueues rows a minute old; age them rather than wait.
    OutboxEmail.objects.update(created_at=F("created_at") - timedelta(minutes=2))
    second = _start_worker(spawn, env, tmp_path / "worker-2.log")
    deadline = time.monotonic() + TIMEOUT
    last_sweep = 0.0
    while len(_sent_ids()) < 2 * PAIRS and time.monotonic() < deadline:
        # Beat would sweep every minute; a duplicate sweep only queues no-op tasks.
        if time.monotonic() - last_sweep > 20:
            _send_task(private_redis.url, "introductions.tasks.sweep_outbox")
            last_sweep = time.monotonic()
        time.sleep(0.05)
    _kill_group(second, signal.SIGTERM)

    rows = {row.pk: row for row in OutboxEmail.objects.all()}
    assert {row.status for row in rows.values()} == {OutboxEmail.Status.SENT}

    messages = _read_mail(mail_dir)
    copies = Counter(message["Message-ID"] for message in messages)
    assert set(copies) == {row.message_id for row in rows.values()}, "none lost"
    for message in messages:
        row_id = int(message["Message-ID"].removeprefix("<outbox-").split("@")[0])
        row = rows[row_id]
        assert message["Message-ID"] == f"<outbox-{row.pk}@grapevyne>"
        assert (message["To"], message["Subject"]) == (row.to_email, row.subject)
    resent = {pk for pk, row in rows.items() if copies[row.message_id] > 1}
    assert not resent & sent_at_kill, "an email marked sent went out again"
    # Exactly the emails accepted by the server but not committed as sent at the
    # kill go out twice; one worker process sends one at a time, so at most one.
    in_window = {
        pk
        for pk, row in rows.items()
        if row.message_id in accepted_at_kill and pk not in sent_at_kill
    }
    assert resent == in_window
    assert len(resent) <= 1
