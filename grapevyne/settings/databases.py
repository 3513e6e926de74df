"""PostgreSQL, Redis, and the cache in Redis."""

import dj_database_url

from grapevyne.redis_urls import cache_url_for

from .environment import env

DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/grapevyne"),
        conn_max_age=env.int("DB_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
# JIT compiling pays off for long analytical queries, not for page queries: it
# adds its compile time to every directory query whose estimated cost crosses
# jit_above_cost. Parallel workers likewise: a broad directory search spread over
# every core of a small server makes every other request wait, for a page that is
# no faster under load. Many small queries side by side beat one fast one (the
# measurements are in docs/history.md).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c jit={'on' if env.bool('DB_JIT', default=False) else 'off'}"
    f" -c max_parallel_workers_per_gather={env.int('DB_PARALLEL_WORKERS', default=0)}"
)

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# A cache outage degrades to per-process memory instead of failing requests (see
# grapevyne/cache.py): each Redis call waits at most CACHE_SOCKET_TIMEOUT seconds,
# and after a failure Redis is tried again CACHE_RETRY_SECONDS later.
CACHES = {
    "default": {
        "BACKEND": "grapevyne.cache.ResilientRedisCache",
        # Its own Redis database, next to the broker's on the same server:
        # clearing the cache must never flush the broker.
        "LOCATION": env.str("CACHE_URL", default=cache_url_for(REDIS_URL)),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="grapevyne"),
        "OPTIONS": {
            "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "retry_seconds": env.float("CACHE_RETRY_SECONDS", default=10),
        },
    }
}
