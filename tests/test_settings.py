"""Production settings: `check --deploy` is clean with production-like environment
variables, and bad environment values stop the process instead of being guessed at."""

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.fresh_settings import fresh_settings, variables_read

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": _secret_key(),
        "ALLOWED_HOSTS": "grapevyne.example",
        "SITE_URL": "https://grapevyne.example",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Set by the browser tests for their own thread; never part of a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_env():
    result = _check_deploy(_production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_check_deploy_fails_on_a_weak_secret_key():
    result = _check_deploy(_production_env(SECRET_KEY="too-short"))

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def _load_settings(monkeypatch, **env: str) -> dict:
    """The settings computed afresh under the given environment, leaving the settings
    this test process already uses untouched."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return fresh_settings()


def test_production_settings_are_strict(monkeypatch):
    values = _load_settings(monkeypatch, **_production_env())

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["ALLOWED_HOSTS"] == ["grapevyne.example"]


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load_settings(monkeypatch, DEBUG="0")


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_it_rejects_a_malformed_boolean(monkeypatch, raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        _load_settings(monkeypatch, DEBUG=raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("True", True), ("0", False), ("off", False)]
)
def test_it_reads_common_spellings_of_booleans(monkeypatch, raw, expected):
    values = _load_settings(monkeypatch, DEBUG=raw, SECRET_KEY=_secret_key())

    assert values["DEBUG"] is expected


def test_it_rejects_a_malformed_integer(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS"):
        _load_settings(monkeypatch, SECURE_HSTS_SECONDS="a year")


def test_the_cache_follows_the_redis_server_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    values = _load_settings(monkeypatch, REDIS_URL="redis://cache-host:6380/4")
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache-host:6380/5"

    values = _load_settings(
        monkeypatch, REDIS_URL="redis://a:6379/0", CACHE_URL="redis://b:6379/3"
    )
    assert values["CACHES"]["default"]["LOCATION"] == "redis://b:6379/3"


def _clean_env(monkeypatch) -> None:
    """No variable the settings read, as on a fresh developer machine."""
    for name in variables_read() | {"EMAIL_HOST", "EMAIL_PORT", "SENTRY_DSN"}:
        monkeypatch.delenv(name, raising=False)


def test_every_variable_has_its_documented_default(monkeypatch):
    _clean_env(monkeypatch)
    values = fresh_settings()

    cache = values["CACHES"]["default"]
    defaults = {
        "DEBUG": True,
        "SITE_URL": "http://127.0.0.1:8000",
        "SITE_NAME": "Grapevyne",
        "SITE_OPERATOR": "the Grapevyne team",
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"],
        "CSRF_TRUSTED_ORIGINS": ["http://127.0.0.1:8000"],
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/0",
        "HEALTHZ_REDIS_URL": "redis://127.0.0.1:6379/0",
        "ACCOUNT_RATE_LIMITS_ENABLED": True,
        "ALLAUTH_TRUSTED_PROXY_COUNT": 0,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "EMAIL_BACKEND_NAME": "dev",
        "DEV_MAIL_DIR": BASE_DIR / "var" / "mail",
        "DEFAULT_FROM_EMAIL": "Grapevyne <hello@grapevyne.local>",
        "MAIL_FOOTER_CONTACT": "Grapevyne · hello@grapevyne.local",
        "CONTACT_EMAIL": "hello@grapevyne.local",
        "ANYMAIL": {"POSTMARK_SERVER_TOKEN": "", "WEBHOOK_SECRET": ""},
        "OUTBOX_SOFT_BOUNCE_LIMIT": 3,
        "OUTBOX_RETRY_BASE_SECONDS": 30,
        "LOG_FORMAT": "text",
        "SENTRY_DSN": "",
        "HEALTHZ_BEAT_MAX_AGE": 180,
        "HEALTHZ_TIMEOUT": 0.5,
        "CELERY_BROKER_CONNECTION_TIMEOUT": 1.0,
        "CELERY_TASK_SOFT_TIME_LIMIT": 300,
        "CELERY_TASK_TIME_LIMIT": 360,
        "DIRECTORY_COUNT_CAP": 500,
        "MEMBER_RATE_LIMITS": {
            "profile_edit": "120/h",
            "tag_suggest": "10/h",
            "intro_request": "10/h",
            "report": "10/h",
        },
        "MATCHING_WEIGHT_INTEREST": 1.0,
        "MATCHING_WEIGHT_GOAL": 0.30,
        "MATCHING_GOAL_MAX_KINDS": 3,
        "MATCHING_WEIGHT_CROSS_SPECIALTY": 0.03,
        "MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED": 0.10,
        "MATCHING_MIN_SCORE": 0.05,
        "MATCHING_COMMON_TAG_SHARE": 0.05,
        "MATCHING_COMMON_TAG_MIN_MEMBERS": 10,
        "MATCHING_FIT_MIN_SAMPLES": 500,
        "MATCHING_FIT_HOLDOUT_ROUNDS": 1,
        "MATCHING_K": 20,
        "MATCHING_SHORTLIST_CAP": 2.0,
        "MATCHING_BLOCK_SIZE": 25_000,
        "MATCHING_INTROS_PER_ROUND": 1,
        "MATCHING_EXPOSURE_CAP": 2,
        "MATCHING_AUGMENT_MAX_LOSS": 0.0,
        "MATCHING_REINTRO_DAYS": None,
        "MATCHING_AUTO_PAUSE_AFTER": 3,
        "MATCHING_DUE_GRACE_HOURS": 12,
        "MATCHING_ROUND_TIME_LIMIT": 1800,
        "MATCHING_ROUND_SOFT_TIME_LIMIT": 1740,
        "MATCHING_STALL_SECONDS": 600,
        "MATCHING_WATCHDOG_SECONDS": 60,
        "MATCHING_ROUND_CRONTAB": "0 14 * * tue",
        "INTRO_OFFER_DAYS": 7,
        "INTRO_REMINDER_DAY": 3,
        "INTRO_FOLLOW_UP_DAYS": 10,
        "INTRO_REQUESTS_PER_WEEK": 3,
        "INTRO_DEFAULT_CALL_MINUTES": 20,
        "INTRO_FEEDBACK_LINK_DAYS": 30,
        "INTRO_PAUSE_LINK_DAYS": 365,
        "EMAIL_WEEKLY_BUDGET": 3,
        "INSIGHTS_ROLLUP_MINUTES": 15,
        "INSIGHTS_ROLLUP_WORK_MEM": "64MB",
    }
    assert {name: values[name] for name in defaults} == defaults
    assert values["DATABASES"]["default"]["NAME"] == "grapevyne"
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert values["DATABASES"]["default"]["OPTIONS"]["options"] == (
        "-c jit=off -c max_parallel_workers_per_gather=0"
    )
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert cache["KEY_PREFIX"] == "grapevyne"
    assert cache["OPTIONS"] == {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "retry_seconds": 10,
    }
    transport = values["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert transport["socket_timeout"] == 1.0
    assert values["LOGGING"]["root"]["level"] == "INFO"
    round_schedule = values["CELERY_BEAT_SCHEDULE"]["matching-round"]["schedule"]
    assert round_schedule.hour == {14}
    assert round_schedule.minute == {0}
    assert round_schedule.day_of_week == {2}


def test_every_variable_the_settings_read_is_documented_in_the_readme(monkeypatch):
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", section))
    prefixes = tuple(re.findall(r"`([A-Z][A-Z0-9_]*_)\*`", section))

    read = variables_read()
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    read |= variables_read()
    assert {"MATCHING_K", "EMAIL_TIMEOUT"} <= read
    undocumented = {
        name
        for name in read
        if name not in documented and not name.startswith(prefixes)
    }
    assert undocumented == set()


def test_values_are_read_as_written(monkeypatch):
    values = _load_settings(
        monkeypatch,
        # A generated key may start with "$", which is not another variable's name.
        SECRET_KEY="$" + _secret_key(),
        ALLOWED_HOSTS=" a.example, b.example,",
        MATCHING_REINTRO_DAYS="30",
        CACHE_SOCKET_TIMEOUT="0.25",
        MATCHING_ROUND_CRONTAB="30  3 * *  mon",
        EMAIL_BACKEND="smtp",
        EMAIL_PORT="2525",
        EMAIL_USE_TLS="no",
    )

    assert values["SECRET_KEY"].startswith("$")
    assert values["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert values["MATCHING_REINTRO_DAYS"] == 30
    assert values["CACHES"]["default"]["OPTIONS"]["socket_timeout"] == 0.25
    schedule = values["CELERY_BEAT_SCHEDULE"]["matching-round"]["schedule"]
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ({30}, {3}, {1})
    smtp = values["MAILERS"]["default"]["OPTIONS"]
    assert (smtp["port"], smtp["use_tls"]) == (2525, False)


def test_an_empty_reintro_days_means_never_again(monkeypatch):
    assert (
        _load_settings(monkeypatch, MATCHING_REINTRO_DAYS="")["MATCHING_REINTRO_DAYS"]
        is None
    )


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("CACHE_SOCKET_TIMEOUT", "fast", "CACHE_SOCKET_TIMEOUT must be a number"),
        ("MATCHING_K", "twenty", "MATCHING_K must be an integer"),
        ("EMAIL_USE_TLS", "sometimes", "EMAIL_USE_TLS must be a boolean"),
        ("MATCHING_ROUND_CRONTAB", "0 14 * *", "MATCHING_ROUND_CRONTAB must be five"),
        ("MATCHING_ROUND_CRONTAB", "0 25 * * *", "MATCHING_ROUND_CRONTAB must be five"),
    ],
)
def test_a_malformed_value_names_its_variable(monkeypatch, name, raw, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        _load_settings(monkeypatch, EMAIL_BACKEND="smtp", **{name: raw})
