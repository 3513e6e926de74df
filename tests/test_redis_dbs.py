"""The suite runs on Redis databases of its own (pyproject's [tool.pytest_env]), so a
developer's `make run` worker on databases 0 and 1 never takes a test's tasks."""

import os
import re
import subprocess
import sys

from django.conf import settings

MAKE_RUNS_DATABASES = {"0", "1"}
# What a test run could inherit that would point it elsewhere.
REDIS_VARIABLES = (
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CACHE_URL",
)


def _urls_under_pytest(**env: str) -> dict[str, str]:
    """The broker, results and cache URLs a fresh pytest run would use with env."""
    clean = {k: v for k, v in os.environ.items() if k not in REDIS_VARIABLES}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            # The suite's conftests clear the cache: not another run's, here.
            "--noconftest",
            "tests/redis_probe.py",
        ],
        cwd=settings.BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return dict(re.findall(r"^(broker|results|cache)=(\S+)$", run.stdout, re.M))


def _database(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_this_run_uses_none_of_make_runs_redis_databases():
    used = {
        _database(settings.CELERY_BROKER_URL),
        _database(settings.CELERY_RESULT_BACKEND),
        _database(settings.CACHES["default"]["LOCATION"]),
    }
    assert not used & MAKE_RUNS_DATABASES, used


def test_without_a_redis_url_the_suite_takes_databases_2_and_3():
    urls = _urls_under_pytest()

    assert urls == {
        "broker": "redis://127.0.0.1:6379/2",
        "results": "redis://127.0.0.1:6379/2",
        "cache": "redis://127.0.0.1:6379/3",
    }


def test_an_explicit_redis_url_is_kept():
    urls = _urls_under_pytest(REDIS_URL="redis://127.0.0.1:6379/6")

    assert urls == {
        "broker": "redis://127.0.0.1:6379/6",
        "results": "redis://127.0.0.1:6379/6",
        "cache": "redis://127.0.0.1:6379/7",
    }
