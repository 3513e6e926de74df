"""Services publish tasks by name (tasks import services, never the reverse):
each name they use must be one a worker has registered."""

from celery import signature

from introductions import outbox, tasks


def test_the_outbox_publishes_its_send_task_by_its_registered_name():
    registered = signature(outbox.SEND_TASK).type  # KeyError when none is

    assert registered is tasks.send_outbox_email._get_current_object()
