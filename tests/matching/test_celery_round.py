import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections

from grapevyne.celery import app
from introductions.models import Introduction
from matching.models import Round

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _close_worker_connections(**kwargs):
    # The worker thread opens its own database connection; closing it after each
    # task lets pytest-django drop the test database at the end.
    connections.close_all()


@pytest.fixture
def worker():
    app.control.purge()
    task_postrun.connect(_close_worker_connections)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield app
    task_postrun.disconnect(_close_worker_connections)


def beat_fires() -> None:
    """Send the scheduled entry exactly as celery beat does: by name, with kwargs."""
    entry = settings.CELERY_BEAT_SCHEDULE["matching-round"]
    app.send_task(entry["task"], kwargs=entry["kwargs"])


def wait_for_rounds(count: int, timeout: float = 120) -> list[Round]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rounds = list(Round.objects.order_by("pk"))
        if len(rounds) >= count and all(
            r.status in Round.FINISHED_STATES for r in rounds
        ):
            return rounds
        time.sleep(0.2)
    raise AssertionError(f"rounds did not finish: {list(Round.objects.all())}")


def test_beat_starts_a_round_that_fans_out_and_proposes_explained_intros(
    worker, make_member, goal_kind, settings
):
    settings.MATCHING_BLOCK_SIZE = 2
    mentorship = goal_kind("Mentorship")
    members = [
        make_member(
            ["Medical journalism", "AI in medicine", f"Hobby {i // 2}"],
            seeks=[mentorship] if i % 2 else [],
            offers=[] if i % 2 else [mentorship],
        )
        for i in range(6)
    ]

    beat_fires()
    (round_,) = wait_for_rounds(1)

    assert round_.status == Round.Status.DONE, round_.error
    assert round_.trigger == Round.Trigger.BEAT
    assert round_.blocks == 3
    assert round_.block_set.filter(done_at__isnull=False).count() == 3
    intros = list(Introduction.objects.all())
    assert len(intros) == 3 == round_.intros_created
    paired = {m for i in intros for m in (i.member_a_id, i.member_b_id)}
    assert paired == {m.pk for m in members}
    for intro in intros:
        assert intro.state == Introduction.State.PROPOSED
        assert {"Medical journalism", "AI in medicine"} <= set(
            intro.explanation["shared_interests"]
        )
        assert intro.explanation["goals"][0]["kind"] == "Mentorship"

    # Re-running the finished round through Celery proposes nothing more.
    app.send_task("matching.tasks.resume_round", args=[round_.pk])
    time.sleep(1)
    (round_,) = wait_for_rounds(1)
    assert Introduction.objects.count() == 3

    # A new round (everyone made due again) never repeats a pair.
    settings.MATCHING_DUE_GRACE_HOURS = 24 * 31
    beat_fires()
    _, second = wait_for_rounds(2)
    assert second.status == Round.Status.DONE, second.error
    assert second.members_considered == 6
    pairs = list(Introduction.objects.values_list("member_a_id", "member_b_id"))
    assert len(pairs) == len(set(pairs)) == 3 + second.intros_created
