"""The watchdog: a round without progress gets its missing steps dispatched again.

The steps run eagerly here; tests/test_outages.py kills a real worker mid-block.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from grapevyne.celery import app
from introductions.models import Introduction
from matching import services, tasks, watchdog
from matching.models import Round, RoundBlock

from .test_rounds import journalists  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager(monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def scoring(journalists, settings):  # noqa: F811
    """A round cut into 3 blocks whose first block was scored, then nothing."""
    settings.MATCHING_BLOCK_SIZE = 1
    settings.MATCHING_STALL_SECONDS = 600
    round_ = services.round_create(trigger=Round.Trigger.BEAT)
    services.round_prepare(round_id=round_.pk)
    watchdog.round_mark_dispatched(round_id=round_.pk)
    services.round_score_block(round_id=round_.pk, block=0)
    return round_


def _claimed_after(seconds: float) -> list[int]:
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds)):
        return [r.round_id for r in watchdog.rounds_claim_stalled()]


def test_a_round_scoring_within_the_bound_is_left_alone(scoring):
    assert _claimed_after(590) == []


def test_a_round_scoring_past_the_bound_is_claimed_once_per_bound(scoring):
    assert _claimed_after(610) == [scoring.pk]
    # The claim is progress: the same stall is not dispatched twice.
    assert _claimed_after(615) == []
    assert _claimed_after(1220) == [scoring.pk]


def test_a_scored_block_is_progress(scoring):
    with time_machine.travel(timezone.now() + timedelta(seconds=500)):
        services.round_score_block(round_id=scoring.pk, block=1)

    assert _claimed_after(610) == []
    assert _claimed_after(1110) == [scoring.pk]


def test_pairing_waits_for_the_round_time_limit_as_well(scoring, settings):
    settings.MATCHING_ROUND_TIME_LIMIT = 1800
    Round.objects.filter(pk=scoring.pk).update(status=Round.Status.PAIRING)

    assert _claimed_after(2390) == []
    assert _claimed_after(2410) == [scoring.pk]


def test_finished_rounds_are_never_claimed(scoring):
    Round.objects.filter(pk=scoring.pk).update(status=Round.Status.FAILED)

    assert _claimed_after(10_000) == []


def test_the_watchdog_task_scores_the_missing_blocks_and_finishes_the_round(scoring):
    with time_machine.travel(timezone.now() + timedelta(seconds=610)):
        assert tasks.watch_rounds.apply().get() == 1

    scoring.refresh_from_db()
    assert scoring.status == Round.Status.DONE, scoring.error
    assert not RoundBlock.objects.filter(round=scoring, done_at__isnull=True).exists()
    assert Introduction.objects.count() == scoring.intros_created == 1


def test_a_round_whose_blocks_are_all_scored_but_never_finished_is_finished(scoring):
    for block in (1, 2):
        services.round_score_block(round_id=scoring.pk, block=block)

    with time_machine.travel(timezone.now() + timedelta(seconds=610)):
        tasks.watch_rounds.apply()

    scoring.refresh_from_db()
    assert scoring.status == Round.Status.DONE, scoring.error


def test_the_watchdog_runs_on_beat_and_every_task_has_time_limits(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["matching-watchdog"]
    assert entry["task"] == tasks.watch_rounds.name
    assert settings.MATCHING_STALL_SECONDS > settings.CELERY_TASK_TIME_LIMIT

    app.loader.import_default_modules()
    ours = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert ours
    for task in ours:
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft, task.name
        assert hard, task.name
        assert soft < hard, task.name
    assert tasks.finish_round.time_limit == settings.MATCHING_ROUND_TIME_LIMIT
    assert tasks.start_round.time_limit == settings.MATCHING_ROUND_TIME_LIMIT
