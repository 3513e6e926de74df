"""Grapevyne settings, read from environment variables.

Every value has a default that works on a developer machine (PostgreSQL and Redis on
127.0.0.1); production sets DEBUG=0 and must then provide SECRET_KEY.
"""

import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from grapevyne.redis_urls import cache_url_for

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), not {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name pages and emails go by; the domain shown beside it comes from SITE_URL,
# never from the host a request came in on.
SITE_NAME = env_str("SITE_NAME", "Grapevyne")
# Who runs the site, as the about page names them.
SITE_OPERATOR = env_str("SITE_OPERATOR", "the Grapevyne team")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    # django.contrib.admin, with staff signing in through allauth (grapevyne/admin.py)
    "grapevyne.apps.GrapevyneAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_countries",
    "django_ratelimit",
    "anymail",
    "profiles",
    "introductions",
    "matching",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "grapevyne.urls"
WSGI_APPLICATION = "grapevyne.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grapevyne"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# JIT compiling pays off for long analytical queries, not for page queries: it
# added seconds to directory queries whose estimated cost crossed jit_above_cost.
# Parallel workers likewise: a broad directory search spread over both cores of a
# small server made every other request wait, for a page that was no faster under
# load (bench/load.py). Many small queries side by side beat one fast one.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c jit={'on' if env_bool('DB_JIT', False) else 'off'}"
    f" -c max_parallel_workers_per_gather={env_int('DB_PARALLEL_WORKERS', 0)}"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
# A cache outage degrades to per-process memory instead of failing requests (see
# grapevyne/cache.py): each Redis call waits at most CACHE_SOCKET_TIMEOUT seconds,
# and after a failure Redis is tried again CACHE_RETRY_SECONDS later.
CACHES = {
    "default": {
        "BACKEND": "grapevyne.cache.ResilientRedisCache",
        # Its own Redis database, next to the broker's on the same server:
        # clearing the cache must never flush the broker.
        "LOCATION": env_str("CACHE_URL", cache_url_for(REDIS_URL)),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "grapevyne"),
        "OPTIONS": {
            "socket_connect_timeout": env_float("CACHE_SOCKET_TIMEOUT", 0.5),
            "socket_timeout": env_float("CACHE_SOCKET_TIMEOUT", 0.5),
            "retry_seconds": env_float("CACHE_RETRY_SECONDS", 10),
        },
    }
}

AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation"
# Argon2id first (see profiles/hashers.py); the others still verify older hashes,
# which Django then re-encodes with the first.
PASSWORD_HASHERS = [
    "profiles.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: the email address is the login and must be verified.
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Grapevyne] "
# One address per member: a new one, once confirmed, replaces the old. This is how
# a member whose address bounced fixes it.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Physicians may not want their membership known: signup and password reset answer
# the same whether or not an address is registered (a signup with a member's
# address emails that member instead), and no email goes to unknown addresses.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS_ENABLED = env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True)
# allauth limits logins and failed logins per client IP. Behind a TLS proxy or load
# balancer every request comes from the proxy, so one busy minute would lock out
# the whole site: name how many proxies append to X-Forwarded-For (0: clients
# connect directly, as in development; never more than there are, or a client
# could pick its own address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Second factor: an authenticator app (TOTP) with recovery codes, which members may
# turn on and staff must have to enter the admin (grapevyne/admin.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Grapevyne"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email. Every message goes through the outbox (introductions/outbox.py), which
# hands it to the backend named by EMAIL_BACKEND:
# - "dev" (the default with DEBUG): printed, and written under DEV_MAIL_DIR so that a
#   person (or a browser test) can open the links in it;
# - "postmark" (the documented production default, through django-anymail):
#   POSTMARK_SERVER_TOKEN; its tracking webhook reports deliveries and bounces;
# - "smtp" (the default without DEBUG): EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
#   EMAIL_HOST_PASSWORD, EMAIL_USE_TLS;
# - any other value is a backend's dotted path, e.g. another anymail provider's
#   "anymail.backends.amazon_ses.EmailBackend" with its settings in ANYMAIL.
DEV_MAIL_DIR = Path(env_str("DEV_MAIL_DIR", str(BASE_DIR / "var" / "mail")))
EMAIL_BACKEND_NAME = env_str("EMAIL_BACKEND", "dev" if DEBUG else "smtp")
if EMAIL_BACKEND_NAME == "dev":
    MAILERS = {
        "default": {
            "BACKEND": "grapevyne.mail.ConsoleAndFileBackend",
            "OPTIONS": {"file_path": str(DEV_MAIL_DIR)},
        }
    }
elif EMAIL_BACKEND_NAME == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
elif EMAIL_BACKEND_NAME == "postmark":
    MAILERS = {"default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}}
else:
    MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME}}
# anymail: the provider's credentials, and the webhook's shared secret. The tracking
# webhook is /anymail/<provider>/tracking/; the provider must call it with HTTP basic
# auth "user:password" = WEBHOOK_SECRET (anymail refuses any other request).
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": env_str("POSTMARK_SERVER_TOKEN", ""),
    "WEBHOOK_SECRET": env_str("WEBHOOK_SECRET", ""),
}
# The soft bounces of one email (mailbox full, server down) before it counts as a
# hard bounce and the address is suppressed; each is retried after 15 min, 30 min, ...
OUTBOX_SOFT_BOUNCE_LIMIT = env_int("OUTBOX_SOFT_BOUNCE_LIMIT", 3)
# The first retry of a failed send waits this long, each next one twice as long
# (capped at an hour).
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Grapevyne <hello@grapevyne.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sender's postal address and contact at the foot of every email (CAN-SPAM asks
# for a physical address; mailbox providers trust senders who say who they are).
# Production sets the real one; the default names only the sending address.
MAIL_FOOTER_CONTACT = (
    env_str("MAIL_FOOTER_CONTACT", "")
    or f"Grapevyne · {parseaddr(DEFAULT_FROM_EMAIL)[1]}"
)
# Where members write to us, and report abuse: on the contact page and in every email.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1])

# Security. Production (DEBUG=0) gets the strict defaults; each can be overridden.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: htmx and our own JS are static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Celery, with Redis as broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}
# Web requests publish tasks (emails after a state change): with the broker down
# or hanging, a publish gives up after these many seconds instead of holding the
# request; the outbox sweep delivers what was not enqueued.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_TIMEOUT", 1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 1.0),
    # A publish without retry (outbox_dispatch) connects once; publishes with
    # retry (workers fanning out) follow CELERY_TASK_PUBLISH_RETRY_POLICY instead.
    "max_retries": 0,
}
# Every task is stopped past these many seconds (soft: an exception the task can
# handle; hard: its process is killed); tasks that need longer set their own.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)

# Grapevyne product rules.
MIN_INTERESTS = 3
MAX_INTERESTS = 30
MAX_GOALS_PER_DIRECTION = 10
DIRECTORY_PAGE_SIZE = 20
# Past this many matches the directory says "more than N members" instead of
# counting them all.
DIRECTORY_COUNT_CAP = env_int("DIRECTORY_COUNT_CAP", 500)
# Per member and hour (django-ratelimit syntax), beyond allauth's own account limits.
MEMBER_RATE_LIMITS = {
    "profile_edit": env_str("RATE_LIMIT_PROFILE_EDIT", "120/h"),
    "tag_suggest": env_str("RATE_LIMIT_TAG_SUGGEST", "10/h"),
    "intro_request": env_str("RATE_LIMIT_INTRO_REQUEST", "10/h"),
    "report": env_str("RATE_LIMIT_REPORT", "10/h"),
}
# django-ratelimit lists the backends it has tested; Django's own Redis cache has the
# atomic add/incr it relies on.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- Matching engine ---
# Weights of matching.scoring.Weights; the README works an example through them.
MATCHING_WEIGHT_INTEREST = env_float("MATCHING_WEIGHT_INTEREST", 1.0)
# Per goal kind complemented on the same topic (half when either side names no
# topic, a quarter for topics of the same category, nothing for other topics).
MATCHING_WEIGHT_GOAL = env_float("MATCHING_WEIGHT_GOAL", 0.30)
MATCHING_GOAL_MAX_KINDS = env_int("MATCHING_GOAL_MAX_KINDS", 3)
MATCHING_WEIGHT_CROSS_SPECIALTY = env_float("MATCHING_WEIGHT_CROSS_SPECIALTY", 0.03)
MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED = env_float(
    "MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED", 0.10
)
MATCHING_MIN_SCORE = env_float("MATCHING_MIN_SCORE", 0.05)
# The floor: a pair needs a goal complemented on topic (or about nothing in
# particular) or a shared tag held by fewer than max(MIN_MEMBERS, SHARE * members)
# of the round's members.
MATCHING_COMMON_TAG_SHARE = env_float("MATCHING_COMMON_TAG_SHARE", 0.05)
MATCHING_COMMON_TAG_MIN_MEMBERS = env_int("MATCHING_COMMON_TAG_MIN_MEMBERS", 10)
# Candidates kept per member, members per block task, and pairing limits.
MATCHING_K = env_int("MATCHING_K", 20)
MATCHING_BLOCK_SIZE = env_int("MATCHING_BLOCK_SIZE", 25_000)
MATCHING_INTROS_PER_ROUND = env_int("MATCHING_INTROS_PER_ROUND", 1)
MATCHING_EXPOSURE_CAP = env_int("MATCHING_EXPOSURE_CAP", 2)
# Augmenting paths after the greedy may lower the round's total score by at most
# this share to serve members it left out (0: never lower it).
MATCHING_AUGMENT_MAX_LOSS = env_float("MATCHING_AUGMENT_MAX_LOSS", 0.0)
# A pair introduced before is never proposed again within this many days; unset
# (the default) means never again. Declines and blocks exclude a pair for good.
MATCHING_REINTRO_DAYS: int | None = (
    env_int("MATCHING_REINTRO_DAYS", 0)
    if os.environ.get("MATCHING_REINTRO_DAYS")
    else None
)
# Offers a member let expire in a row before they are paused automatically.
MATCHING_AUTO_PAUSE_AFTER = env_int("MATCHING_AUTO_PAUSE_AFTER", 3)
# A member is due when their last intro is this much less than their frequency old,
# so that a weekly round a few minutes early still serves weekly members.
MATCHING_DUE_GRACE_HOURS = env_int("MATCHING_DUE_GRACE_HOURS", 12)
# Time limits of the long round steps (load, then pair and write), in seconds;
# score_block runs under CELERY_TASK_TIME_LIMIT like every other task.
MATCHING_ROUND_TIME_LIMIT = env_int("MATCHING_ROUND_TIME_LIMIT", 1800)
MATCHING_ROUND_SOFT_TIME_LIMIT = env_int(
    "MATCHING_ROUND_SOFT_TIME_LIMIT", MATCHING_ROUND_TIME_LIMIT - 60
)
# The watchdog (every MATCHING_WATCHDOG_SECONDS) dispatches again the missing steps
# of a round that made no progress for MATCHING_STALL_SECONDS while scoring (plus
# MATCHING_ROUND_TIME_LIMIT while pending, pairing or writing). Keep it above
# CELERY_TASK_TIME_LIMIT: a block still running would be scored twice (harmless,
# blocks are idempotent, but wasted).
MATCHING_STALL_SECONDS = env_int("MATCHING_STALL_SECONDS", 600)
MATCHING_WATCHDOG_SECONDS = env_int("MATCHING_WATCHDOG_SECONDS", 60)
# When the round runs: five crontab fields, minute hour day-of-month month
# day-of-week (default Tuesdays 14:00 UTC, once a week).
MATCHING_ROUND_CRONTAB = env_str("MATCHING_ROUND_CRONTAB", "0 14 * * tue")


def _crontab(name: str, value: str):
    from celery.schedules import crontab

    fields = value.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{name} must have five crontab fields, not {value!r}"
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


CELERY_BEAT_SCHEDULE["matching-round"] = {
    "task": "matching.tasks.start_round",
    "schedule": _crontab("MATCHING_ROUND_CRONTAB", MATCHING_ROUND_CRONTAB),
    "kwargs": {"trigger": "beat"},
}
CELERY_BEAT_SCHEDULE["matching-watchdog"] = {
    "task": "matching.tasks.watch_rounds",
    "schedule": timedelta(seconds=MATCHING_WATCHDOG_SECONDS),
    "options": {"expires": MATCHING_WATCHDOG_SECONDS},
}

# --- Introductions ---
# An offer is open this many days; one reminder goes to a member who has not
# answered on the reminder day; "Did you meet?" comes this long after connecting.
INTRO_OFFER_DAYS = env_int("INTRO_OFFER_DAYS", 7)
INTRO_REMINDER_DAY = env_int("INTRO_REMINDER_DAY", 3)
INTRO_FOLLOW_UP_DAYS = env_int("INTRO_FOLLOW_UP_DAYS", 10)
INTRO_REQUESTS_PER_WEEK = env_int("INTRO_REQUESTS_PER_WEEK", 3)
INTRO_DEFAULT_CALL_MINUTES = env_int("INTRO_DEFAULT_CALL_MINUTES", 20)
# How long the "Did you meet?" and pause links in emails keep working.
INTRO_FEEDBACK_LINK_DAYS = env_int("INTRO_FEEDBACK_LINK_DAYS", 30)
INTRO_PAUSE_LINK_DAYS = env_int("INTRO_PAUSE_LINK_DAYS", 365)
CELERY_BEAT_SCHEDULE["introductions-offer-proposed"] = {
    "task": "introductions.tasks.offer_proposed",
    "schedule": timedelta(minutes=5),
}
CELERY_BEAT_SCHEDULE["introductions-deadlines"] = {
    "task": "introductions.tasks.process_deadlines",
    "schedule": timedelta(minutes=15),
}
CELERY_BEAT_SCHEDULE["introductions-outbox-sweep"] = {
    "task": "introductions.tasks.sweep_outbox",
    "schedule": timedelta(minutes=1),
}

# --- Operations ---
# --- Insights ---
# How often the insights page's summary tables are brought up to date (minutes).
INSIGHTS_ROLLUP_MINUTES = env_int("INSIGHTS_ROLLUP_MINUTES", 15)
CELERY_BEAT_SCHEDULE["insights-rollup"] = {
    "task": "insights.tasks.rollup",
    "schedule": timedelta(minutes=INSIGHTS_ROLLUP_MINUTES),
}

# /healthz fails when the last beat tick (grapevyne.tasks.beat_tick, run every
# minute) is older than this; it pings HEALTHZ_REDIS_URL (the broker by default).
HEALTHZ_BEAT_MAX_AGE = env_int("HEALTHZ_BEAT_MAX_AGE", 180)
HEALTHZ_REDIS_URL = env_str("HEALTHZ_REDIS_URL", CELERY_BROKER_URL)
# Seconds each Redis probe may take, so /healthz answers within 2 s when Redis hangs.
HEALTHZ_TIMEOUT = env_float("HEALTHZ_TIMEOUT", 0.5)
# Load balancers probe over plain HTTP, often without the forwarded-proto header.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# grapevyne is not an installed app, so autodiscovery would not find its tasks.
CELERY_IMPORTS = ["grapevyne.tasks"]
CELERY_BEAT_SCHEDULE["beat-tick"] = {
    "task": "grapevyne.tasks.beat_tick",
    "schedule": timedelta(minutes=1),
    # A tick queued while every worker was down says nothing once it runs late.
    "options": {"expires": 60},
}

# Logs: one JSON object per line in production (or LOG_FORMAT=json), plain text
# on a developer machine.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "grapevyne.logging.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
    # Django's own console handler would print the same lines again as text.
    LOGGING["loggers"] = {"django": {"handlers": [], "propagate": True}}
    # Otherwise the Celery worker replaces the root handler with its text format.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reporting: only when SENTRY_DSN is set; without it sentry_sdk is never
# imported and nothing leaves the machine.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed"
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env_str(
            "SENTRY_ENVIRONMENT", "development" if DEBUG else "production"
        ),
        release=env_str("SENTRY_RELEASE", "") or None,
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        # Members' profiles are medical-professional data: no user, cookies or IP,
        # no request bodies, and no local variables in stack frames.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )
