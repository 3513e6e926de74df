"""Production settings: `check --deploy` is clean with production-like environment
variables, and bad environment values stop the process instead of being guessed at."""

import os
import runpy
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE = BASE_DIR / "grapevyne" / "settings.py"


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
    """Execute settings.py afresh under the given environment, leaving the settings
    this test process already uses untouched."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


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
