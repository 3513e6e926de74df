"""Operations: /healthz for load balancers, JSON logs, and Sentry only with a DSN."""

import json
import logging
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grapevyne.logging import JsonFormatter
from grapevyne.tasks import BEAT_TICK_CACHE_KEY, beat_tick

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def closed_port_url():
    """A Redis URL on a port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/4"


@pytest.mark.django_db
def test_it_answers_ok_with_the_database_redis_and_a_fresh_beat_tick(client):
    with time_machine.travel(timezone.now(), tick=False):
        beat_tick()
        response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    beat = body["checks"]["beat"]
    assert beat["ok"] is True
    assert beat["age_seconds"] == 0
    assert beat["last_tick"] == cache.get(BEAT_TICK_CACHE_KEY)
    assert "failed" not in body


@pytest.mark.django_db
def test_it_fails_when_beat_has_never_ticked(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["beat"]
    assert body["checks"]["beat"]["last_tick"] is None
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_fails_when_the_last_beat_tick_is_older_than_the_threshold(client, settings):
    settings.HEALTHZ_BEAT_MAX_AGE = 180
    ticked_at = timezone.now()
    with time_machine.travel(ticked_at, tick=False):
        beat_tick()

    with time_machine.travel(ticked_at + timedelta(seconds=179), tick=False):
        still_fresh = client.get("/healthz")
    with time_machine.travel(ticked_at + timedelta(seconds=181), tick=False):
        stale = client.get("/healthz")

    assert still_fresh.status_code == 200
    assert stale.status_code == 503
    assert stale.json()["failed"] == ["beat"]
    assert stale.json()["checks"]["beat"]["age_seconds"] == 181


@pytest.mark.django_db
def test_it_fails_when_redis_is_unreachable(client, settings, closed_port_url):
    beat_tick()
    settings.HEALTHZ_REDIS_URL = closed_port_url

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["redis"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": body["checks"]["redis"]["ms"],
    }
    # The endpoint is public: the reason is named, the address is not.
    assert closed_port_url.split(":")[2] not in response.content.decode()


@pytest.mark.django_db
def test_it_fails_the_cache_and_beat_checks_when_the_cache_is_unreachable(
    client, settings, closed_port_url
):
    beat_tick()
    unreachable = {
        "default": {**settings.CACHES["default"], "LOCATION": closed_port_url}
    }

    # A context manager, so that the real cache is back before conftest clears it.
    with override_settings(CACHES=unreachable):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache", "beat"]
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    # Read from Redis itself: the cache's in-memory fallback does not hide it.
    assert body["checks"]["beat"]["error"] == "cache unavailable"
    assert body["checks"]["redis"]["ok"] is True


@pytest.mark.django_db
def test_it_refuses_post(client):
    response = client.post("/healthz")

    assert response.status_code == 405


@pytest.mark.django_db
def test_it_is_never_cached_and_sets_no_cookies(client):
    beat_tick()

    response = client.get("/healthz")

    assert "no-store" in response.headers["Cache-Control"]
    assert response.cookies == {}
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_it_answers_plain_http_probes_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    beat_tick()

    probe = client.get("/healthz")
    page = client.get(reverse("home"))

    assert probe.status_code == 200
    assert page.status_code == 301
    assert page.headers["Location"].startswith("https://")


def test_beat_runs_the_tick_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["beat-tick"]

    assert entry["task"] == beat_tick.name
    assert entry["schedule"] == timedelta(minutes=1)
    # Within the default threshold, beat may miss two ticks before /healthz fails.
    assert settings.HEALTHZ_BEAT_MAX_AGE == 180
    assert "grapevyne.tasks" in settings.CELERY_IMPORTS


# JSON logs


def _record(message="hello %s", args=("world",), exc_info=None, **extra):
    logger = logging.getLogger("grapevyne.test")
    return logger.makeRecord(
        logger.name,
        logging.WARNING,
        __file__,
        1,
        message,
        args,
        exc_info,
        extra=extra or None,
    )


def test_a_log_record_becomes_one_json_object():
    line = JsonFormatter().format(_record())

    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "grapevyne.test"
    assert entry["message"] == "hello world"
    assert timezone.datetime.fromisoformat(entry["time"]).utcoffset() == timedelta(0)


def test_a_multi_line_message_and_its_traceback_stay_on_one_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = _record(
            message="first line\nsecond line é", args=(), exc_info=sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "first line\nsecond line é"
    assert entry["exc_type"] == "ValueError"
    assert entry["exc_info"].startswith("Traceback (most recent call last)")
    assert "ValueError: bad" in entry["exc_info"]


def test_extra_fields_are_kept_and_the_request_object_is_dropped():
    class Opaque:
        def __str__(self):
            return "opaque-value"

    record = _record(intro_id=42, odd=Opaque(), request=object(), status_code=500)

    entry = json.loads(JsonFormatter().format(record))

    assert entry["intro_id"] == 42
    assert entry["status_code"] == 500
    assert entry["odd"] == "opaque-value"
    assert "request" not in entry
    assert "args" not in entry
    assert "msg" not in entry


# Settings: JSON logs in production, Sentry only with a DSN. Each runs the settings
# in a fresh interpreter so that nothing it initialises leaks into this process.

_PROBE = """
import json, logging.config, sys
from django.conf import settings
import django
django.setup()
formatter = logging.getLogger().handlers[0].formatter
print(json.dumps({
    "formatter": type(formatter).__name__ if formatter else "default",
    "sentry_imported": "sentry_sdk" in sys.modules,
    "log_format": settings.LOG_FORMAT,
}))
logging.getLogger("grapevyne.probe").error("probe message")
"""


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "grapevyne.settings"}
    full_env.pop("SENTRY_DSN", None)
    full_env.update(env)
    # Our own constant code under our own interpreter: no untrusted input.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def _run_settings(**env: str) -> subprocess.CompletedProcess:
    return _python(_PROBE, **env)


def test_production_logs_are_json_and_nothing_is_sent_without_a_dsn():
    result = _run_settings(
        DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="grapevyne.example"
    )

    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state == {
        "formatter": "JsonFormatter",
        "sentry_imported": False,
        "log_format": "json",
    }
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "probe message"
    assert entry["level"] == "ERROR"


def test_development_logs_stay_text_unless_asked_for_json():
    text = json.loads(_run_settings(DEBUG="1").stdout)
    asked = json.loads(_run_settings(DEBUG="1", LOG_FORMAT="json").stdout)

    assert text["formatter"] == "default"
    assert asked["formatter"] == "JsonFormatter"


def test_it_rejects_an_unknown_log_format():
    result = _run_settings(LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


_SENTRY_PROBE = """
import json
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "send_default_pii": client.options["send_default_pii"],
    "integrations": sorted(client.integrations),
}))
"""


def test_a_dsn_initialises_sentry_without_personal_data():
    pytest.importorskip("sentry_sdk")
    # Port 9 (discard) on localhost: nothing can leave the machine.
    result = _python(_SENTRY_PROBE, SENTRY_DSN="http://public@127.0.0.1:9/1")

    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["active"] is True
    assert state["send_default_pii"] is False
    assert {"django", "celery"} <= set(state["integrations"])


def test_a_dsn_without_sentry_installed_stops_the_process():
    try:
        import sentry_sdk  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("sentry-sdk is installed")

    result = _run_settings(SENTRY_DSN="http://public@127.0.0.1:9/1")

    assert result.returncode != 0
    assert "SENTRY_DSN is set but sentry-sdk is not installed" in result.stderr
