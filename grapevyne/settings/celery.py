"""Celery, with Redis as broker: delivery, time limits, and the beat schedule of
every app (what runs when, in one place)."""

from datetime import timedelta

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .databases import REDIS_URL
from .environment import env
from .insights import INSIGHTS_ROLLUP_MINUTES
from .matching import MATCHING_ROUND_CRONTAB, MATCHING_WATCHDOG_SECONDS

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = "UTC"
# grapevyne is not an installed app, so autodiscovery would not find its tasks.
CELERY_IMPORTS = ["grapevyne.tasks"]
# Web requests publish tasks (emails after a state change): with the broker down
# or hanging, a publish gives up after these many seconds instead of holding the
# request; the outbox sweep delivers what was not enqueued.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=1.0),
    # A publish without retry (outbox_dispatch) connects once; publishes with
    # retry (workers fanning out) follow CELERY_TASK_PUBLISH_RETRY_POLICY instead.
    "max_retries": 0,
}
# Every task is stopped past these many seconds (soft: an exception the task can
# handle; hard: its process is killed); tasks that need longer set their own (the
# round's long steps: MATCHING_ROUND_TIME_LIMIT).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)


def _crontab(name: str, value: str) -> crontab:
    try:
        return crontab.from_string(" ".join(value.split()))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be five crontab fields (minute hour day-of-month month "
            f"day-of-week), not {value!r}: {exc}"
        ) from None


CELERY_BEAT_SCHEDULE = {
    "matching-round": {
        "task": "matching.tasks.start_round",
        "schedule": _crontab("MATCHING_ROUND_CRONTAB", MATCHING_ROUND_CRONTAB),
        "kwargs": {"trigger": "beat"},
    },
    "matching-watchdog": {
        "task": "matching.tasks.watch_rounds",
        "schedule": timedelta(seconds=MATCHING_WATCHDOG_SECONDS),
        "options": {"expires": MATCHING_WATCHDOG_SECONDS},
    },
    "matching-auto-pause": {
        "task": "matching.tasks.auto_pause_sweep",
        "schedule": timedelta(minutes=15),
    },
    "introductions-offer-proposed": {
        "task": "introductions.tasks.offer_proposed",
        "schedule": timedelta(minutes=5),
    },
    "introductions-deadlines": {
        "task": "introductions.tasks.process_deadlines",
        "schedule": timedelta(minutes=15),
    },
    "introductions-outbox-sweep": {
        "task": "introductions.tasks.sweep_outbox",
        "schedule": timedelta(minutes=1),
    },
    "insights-rollup": {
        "task": "insights.tasks.rollup",
        "schedule": timedelta(minutes=INSIGHTS_ROLLUP_MINUTES),
    },
    # Feeds /healthz (see observability.py).
    "beat-tick": {
        "task": "grapevyne.tasks.beat_tick",
        "schedule": timedelta(minutes=1),
        # A tick queued while every worker was down says nothing once it runs late.
        "options": {"expires": 60},
    },
}
