"""Operational tasks that belong to no app."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

BEAT_TICK_CACHE_KEY = "ops:beat:last-tick"


@shared_task(ignore_result=True)
def beat_tick() -> None:
    """Record that beat scheduled this and a worker ran it, for /healthz.

    The time is the worker's, so a stale tick means beat, the broker or every
    worker has stopped; /healthz cannot tell which, only that scheduled work is
    not getting done.
    """
    # No expiry: /healthz judges the age itself and must see how stale it is.
    cache.set(BEAT_TICK_CACHE_KEY, timezone.now().isoformat(), timeout=None)
