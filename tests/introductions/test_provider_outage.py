"""The provider fails for a while, then recovers: nothing lost, nothing sent twice.

A real Celery worker on a private redis-server sends the offers of 10 new intros
while the provider answers every send with an error; the outbox keeps each email
pending and the task retries it with backoff; once the provider is back, every
email goes out exactly once.
"""

import time
from collections import Counter

import pytest

from introductions.models import Introduction, OutboxEmail
from profiles.factories import ProfileFactory

from .conftest import EXPLANATION
from .test_fault_tolerance import (
    _kill_group,
    _read_mail,
    _send_task,
    _start_worker,
    _wait_until,
    _worker_env,
    private_redis,  # noqa: F401 - fixtures
    spawn,  # noqa: F401
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

PAIRS = 10


def test_emails_wait_out_a_provider_outage_and_go_out_once(
    tmp_path,
    spawn,  # noqa: F811
    private_redis,  # noqa: F811
):
    mail_dir = tmp_path / "mail"
    down = tmp_path / "provider-down"
    down.touch()
    env = _worker_env(private_redis.url, mail_dir) | {
        "EMAIL_BACKEND": "tests.introductions.outage_mail.OutageBackend",
        "FAULT_PROVIDER_DOWN_FLAG": str(down),
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "FAULT_MAIL_LATENCY_AFTER": "0.01",
    }
    members = [ProfileFactory() for _ in range(2 * PAIRS)]
    Introduction.objects.bulk_create(
        Introduction(
            member_a=a, member_b=b, score=0.5, explanation=EXPLANATION.to_json()
        )
        for a, b in zip(members[::2], members[1::2], strict=True)
    )
    worker = _start_worker(spawn, env, tmp_path / "worker.log")
    _send_task(private_redis.url, "introductions.tasks.offer_proposed")

    rows = OutboxEmail.objects.filter(kind="offer")
    # Every email has been tried and refused at least twice: an outage, not a blip.
    _wait_until(
        lambda: rows.count() == 2 * PAIRS and not rows.filter(attempts__lt=2).exists(),
        what="every email to fail twice",
    )
    assert not rows.exclude(status="pending").exists()
    assert not list(mail_dir.glob("*.eml"))

    down.unlink()
    _wait_until(
        lambda: rows.filter(status="sent").count() == 2 * PAIRS,
        what="every email to go out after the outage",
    )
    time.sleep(1)  # a stray duplicate send would land now
    _kill_group(worker)

    copies = Counter(message["Message-ID"] for message in _read_mail(mail_dir))
    expected = {row.message_id for row in rows}
    assert set(copies) == expected, "none lost"
    assert set(copies.values()) == {1}, "none sent twice"
    assert not OutboxEmail.objects.exclude(status="sent").exists()
