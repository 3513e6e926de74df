import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.management import CommandError, call_command

from matching import tasks
from matching.models import Round

pytestmark = pytest.mark.django_db


class NoWorker:
    """What .delay() returns with no worker running: a result that never comes."""

    def get(self, timeout=None):
        if timeout is None:
            raise AssertionError("the command would wait forever")
        raise CeleryTimeoutError("The operation timed out.")


@pytest.fixture
def queued(monkeypatch):
    calls = []

    def delay(*args, **kwargs):
        calls.append((args, kwargs))
        return NoWorker()

    monkeypatch.setattr(tasks.start_round, "delay", delay)
    monkeypatch.setattr(tasks.resume_round, "delay", delay)
    return calls


def test_resume_zero_is_a_round_id_not_no_resume(queued):
    with pytest.raises(CommandError, match="There is no round 0"):
        call_command("run_match_round", "--resume", "0", "--sync")
    assert not Round.objects.exists()


def test_wait_zero_prints_the_round_id_and_returns(queued, capsys):
    call_command("run_match_round", "--wait", "0")

    round_ = Round.objects.get()
    assert capsys.readouterr().out.strip() == f"Round {round_.pk} queued."
    assert queued == [((), {"round_id": round_.pk})]
    assert round_.trigger == Round.Trigger.COMMAND


def test_a_round_nobody_runs_ends_the_wait_with_a_clear_error(queued):
    with pytest.raises(CommandError, match=r"still pending .* Celery worker running"):
        call_command("run_match_round", "--wait", "0.1")


def test_negative_examples_is_a_command_error(queued):
    with pytest.raises(CommandError, match="--examples"):
        call_command("run_match_round", "--sync", "--examples", "-1")
    assert not Round.objects.exists()


def test_a_running_round_is_named_when_another_is_refused(queued):
    call_command("run_match_round", "--wait", "0")
    running = Round.objects.get()

    with pytest.raises(CommandError, match=f"--resume {running.pk}"):
        call_command("run_match_round", "--wait", "0")
