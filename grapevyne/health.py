"""/healthz for load balancers and uptime probes.

Every Redis probe is bounded by HEALTHZ_TIMEOUT (the cache's by its own socket
timeouts), so that the endpoint answers within a load balancer's timeout even when
Redis accepts connections and then hangs.

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


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_redis() -> dict:
    client = redis.Redis.from_url(
        settings.HEALTHZ_REDIS_URL,
        socket_connect_timeout=settings.HEALTHZ_TIMEOUT,
        socket_timeout=settings.HEALTHZ_TIMEOUT,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {}


def _cache_read(key: str):
    # From Redis itself: the cache's in-memory fallback would hide an outage.
    return getattr(cache, "get_from_redis", cache.get)(key)


def check_cache() -> dict:
    _cache_read(BEAT_TICK_CACHE_KEY)
    return {}


def check_beat() -> dict:
    raw = _cache_read(BEAT_TICK_CACHE_KEY)
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
    "cache": check_cache,
    "beat": check_beat,
}
# The beat tick lives in the cache: with the cache down, reading it again would
# only wait for the same timeout twice.
DEPENDS_ON = {"beat": "cache"}


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
    checks: dict[str, dict] = {}
    for name, check in CHECKS.items():
        needed = DEPENDS_ON.get(name)
        if needed and not checks[needed]["ok"]:
            checks[name] = {"ok": False, "error": f"{needed} unavailable", "ms": 0.0}
        else:
            checks[name] = _run(name, check)
    failed = [name for name, result in checks.items() if not result["ok"]]
    body: dict[str, object] = {"status": "fail" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
