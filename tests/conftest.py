import pytest
from django.core.cache import cache

from profiles.factories import UserFactory
from tests.hostile_input import build_world


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate-limit counters live in the real Redis: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_only_through_the_outbox(settings):
    """Every test's mailbox refuses a message sent any other way than the outbox.

    Tests that need another backend (a flaky server, anymail's) set their own.
    """
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_guard.OutboxOnlyBackend"}}


@pytest.fixture
def admin_user(db):
    """pytest-django's admin_user (and admin_client), as the admin wants staff:
    a verified email address and an authenticator app."""
    return UserFactory(is_staff=True, is_superuser=True, email="admin@example.com")


@pytest.fixture
def hostile_world(db, settings):
    """tests/hostile_input.py's acting member and bystander. The rate limits are
    tested elsewhere: here every example must reach the view."""
    settings.MEMBER_RATE_LIMITS = dict.fromkeys(settings.MEMBER_RATE_LIMITS, "9999/s")
    return build_world()
