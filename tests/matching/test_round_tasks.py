"""The round tasks run eagerly, in this process: what happens when a step gives up."""

import pytest
from django.db import OperationalError

from grapevyne.celery import app
from introductions.models import Introduction
from matching import services, tasks
from matching.models import Round

from .test_rounds import journalists  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager(monkeypatch):
    # The chord and the .delay() calls inside the tasks run inline too.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def beat_fires():
    return tasks.start_round.apply(kwargs={"trigger": Round.Trigger.BEAT})


def test_an_orphaned_round_is_continued_by_the_next_beat(journalists):  # noqa: F811
    # A first delivery of start_round created it and died; the redelivered message
    # carries no round id.
    orphan = services.round_create(trigger=Round.Trigger.BEAT)

    assert beat_fires().get() == orphan.pk

    orphan.refresh_from_db()
    assert orphan.status == Round.Status.DONE, orphan.error
    assert Round.objects.count() == 1
    assert Introduction.objects.count() == 1


def test_a_round_stuck_scoring_is_continued_by_the_next_beat(
    journalists,  # noqa: F811
    settings,
):
    settings.MATCHING_BLOCK_SIZE = 1
    stuck = services.round_create(trigger=Round.Trigger.BEAT)
    services.round_prepare(round_id=stuck.pk)
    services.round_score_block(round_id=stuck.pk, block=0)

    beat_fires()

    stuck.refresh_from_db()
    assert stuck.status == Round.Status.DONE, stuck.error
    assert Round.objects.count() == 1


def test_a_round_whose_block_runs_out_of_retries_fails(
    journalists,  # noqa: F811
    settings,
    monkeypatch,
):
    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "round_score_block", database_gone)
    settings.MATCHING_BLOCK_SIZE = 1
    round_ = services.round_create(trigger=Round.Trigger.BEAT)
    services.round_prepare(round_id=round_.pk)

    result = tasks.score_block.apply(args=[round_.pk, 1])

    assert result.failed()
    round_.refresh_from_db()
    assert round_.status == Round.Status.FAILED
    assert round_.error.startswith("block 1: OperationalError(")
    # The failed round no longer stands in the way of the next one.
    assert services.round_create(trigger=Round.Trigger.BEAT) is not None


def test_a_bug_in_a_step_fails_the_round_with_its_cause(
    journalists,  # noqa: F811
    monkeypatch,
):
    def broken(**kwargs):
        raise ValueError("no pairs for you")

    monkeypatch.setattr(services, "round_finish", broken)
    round_ = services.round_create(trigger=Round.Trigger.BEAT)
    services.round_prepare(round_id=round_.pk)

    tasks.finish_round.apply(args=[round_.pk])

    round_.refresh_from_db()
    assert round_.status == Round.Status.FAILED
    assert round_.error == "finish: ValueError('no pairs for you')"


def test_blocks_after_a_failed_one_keep_its_cause(journalists, settings):  # noqa: F811
    settings.MATCHING_BLOCK_SIZE = 1
    round_ = services.round_create(trigger=Round.Trigger.BEAT)
    services.round_prepare(round_id=round_.pk)
    services.round_fail(round_id=round_.pk, error="block 0: MemoryError()")

    assert tasks.score_block.apply(args=[round_.pk, 1]).failed()
    assert tasks.finish_round.apply(args=[round_.pk]).failed()
    services.round_fail(round_id=round_.pk, error="something later")

    round_.refresh_from_db()
    assert round_.status == Round.Status.FAILED
    assert round_.error == "block 0: MemoryError()"


def test_a_duplicate_block_does_not_fail_a_round_being_paired(
    journalists,  # noqa: F811
):
    round_ = services.round_create(trigger=Round.Trigger.BEAT)
    services.round_prepare(round_id=round_.pk)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.PAIRING)

    assert tasks.score_block.apply(args=[round_.pk, 0]).failed()

    round_.refresh_from_db()
    assert round_.status == Round.Status.PAIRING
    assert round_.error == ""
