"""Logs, /healthz and error reporting."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG
from .celery import CELERY_BROKER_URL
from .environment import env

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# Logs: one JSON object per line in production (or LOG_FORMAT=json), plain text
# on a developer machine.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "grapevyne.logging.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
    # Django's own console handler would print the same lines again as text.
    LOGGING["loggers"] = {"django": {"handlers": [], "propagate": True}}
    # Otherwise the Celery worker replaces the root handler with its text format.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# /healthz fails when the last beat tick (grapevyne.tasks.beat_tick, run every
# minute) is older than this; it pings HEALTHZ_REDIS_URL (the broker by default).
HEALTHZ_BEAT_MAX_AGE = env.int("HEALTHZ_BEAT_MAX_AGE", default=180)
HEALTHZ_REDIS_URL = env.str("HEALTHZ_REDIS_URL", default=CELERY_BROKER_URL)
# Seconds each Redis probe may take, so /healthz answers within 2 s when Redis hangs.
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=0.5)

# Error reporting: only when SENTRY_DSN is set; without it sentry_sdk is never
# imported and nothing leaves the machine.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed"
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str(
            "SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"
        ),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        # Members' profiles are medical-professional data: no user, cookies or IP,
        # no request bodies, and no local variables in stack frames.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )
