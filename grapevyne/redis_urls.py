"""Redis addresses, shared by the settings and the development runner (which runs
before Django is set up)."""

from urllib.parse import urlsplit, urlunsplit


def cache_url_for(redis_url: str) -> str:
    """The cache gets the Redis database after the broker's, so that clearing the
    cache never flushes queued tasks (redis://h/10 -> redis://h/11)."""
    parts = urlsplit(redis_url)
    path = parts.path.strip("/")
    db = int(path) if path.isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{db + 1}"))
