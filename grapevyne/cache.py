"""The Redis cache, kept in this process's memory while Redis is unreachable.

Everything the cache holds can be rebuilt: cached figures are recomputed from the
database, and rate-limit counters (allauth's login, failed-login, password-reset
and signup limits, and the member write limits) keep counting in memory, so a
limit still holds during an outage, per web process instead of site-wide. A
cache outage therefore costs a little precision and never a page.

After a failure Redis is left alone for CACHE_RETRY_SECONDS, so that a request
making twenty cache calls pays the (short) socket timeout once, not twenty times.
The memory is cleared when an outage starts, so nothing from an earlier outage
(invalidated since, in Redis) is served again.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class _Outage:
    """Whether a Redis location is known to be down, shared by the process's threads
    (Django gives each thread its own cache object)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self.until


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 10))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.location = server if isinstance(server, str) else ",".join(server)
        with _outages_lock:
            self.outage = _outages.setdefault(self.location, _Outage())
        self.fallback = LocMemCache(
            f"resilient-redis:{self.location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    def _call(self, name: str, *args, **kwargs):
        if not self.outage.active():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as exc:
                self._start_outage(exc)
        return getattr(self.fallback, name)(*args, **kwargs)

    def _start_outage(self, exc: Exception) -> None:
        with self.outage.lock:
            if self.outage.active():
                return
            self.outage.until = time.monotonic() + self.retry_seconds
            # Whatever memory holds dates from an earlier outage.
            self.fallback.clear()
        logger.warning(
            "Cache unavailable (%s); using this process's memory for %.0f s",
            type(exc).__name__,
            self.retry_seconds,
        )

    def get_from_redis(self, key, default=None):
        """Read from Redis itself, never from the fallback: for /healthz."""
        return super().get(key, default)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
