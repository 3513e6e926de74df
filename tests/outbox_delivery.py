"""Stand in for the Celery worker in tests that do not run one."""

from introductions import outbox


def deliver_pending() -> int:
    """Send every pending outbox email now, as the worker would; how many went."""
    return sum(outbox.outbox_send(outbox_id=pk) for pk in outbox.outbox_ids_pending())
