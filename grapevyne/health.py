"""/healthz for load balancers and uptime probes.

It answers without login, sessions or cookies, and never caches. Each check reports
an error class only: the endpoint is public and must not leak hostnames or
credentials; the full error goes to the log.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from grapevyne.tasks import BEAT_TICK_CACHE_KEY

logger = logging.getLogger(__name__)

# A probe must answer well within a load balancer's timeout even when Redis hangs.
REDIS_TIMEOUT_SECONDS = 2


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_redis() -> dict:
    client = redis.Redis.from_url(
        settings.HEALTHZ_REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {}


def check_beat() -> dict:
    raw = cache.get(BEAT_TICK_CACHE_KEY)
    if raw is None:
        return {"ok": False, "last_tick": None, "age_seconds": None}
    last_tick = datetime.fromisoformat(raw)
    age = (timezone.now() - last_tick).total_seconds()
    return {
        "ok": age <= settings.HEALTHZ_BEAT_MAX_AGE,
        "last_tick": last_tick.isoformat(),
        "age_seconds": round(age),
    }


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "redis": check_redis,
    "beat": check_beat,
}


def _run(name: str, check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # any failure of a dependency is a failed check
        logger.exception("Health check %s failed", name)
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    failed = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "fail" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
