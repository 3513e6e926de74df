"""Members' profiles and the directory: product rules and rate limits."""

from .environment import env

MIN_INTERESTS = 3
MAX_INTERESTS = 30
MAX_GOALS_PER_DIRECTION = 10
DIRECTORY_PAGE_SIZE = 20
# Past this many matches the directory says "more than N members" instead of
# counting them all.
DIRECTORY_COUNT_CAP = env.int("DIRECTORY_COUNT_CAP", default=500)
# Per member and hour (django-ratelimit syntax), beyond allauth's own account limits.
MEMBER_RATE_LIMITS = {
    "profile_edit": env.str("RATE_LIMIT_PROFILE_EDIT", default="120/h"),
    "tag_suggest": env.str("RATE_LIMIT_TAG_SUGGEST", default="10/h"),
    "intro_request": env.str("RATE_LIMIT_INTRO_REQUEST", default="10/h"),
    "report": env.str("RATE_LIMIT_REPORT", default="10/h"),
}
# django-ratelimit lists the backends it has tested; Django's own Redis cache has the
# atomic add/incr it relies on.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
