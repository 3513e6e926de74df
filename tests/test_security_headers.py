"""Security headers on real responses, in development and with production settings,
and templates that a strict Content-Security-Policy would not break."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from profiles.factories import TEST_PASSWORD, ProfileFactory
from tests.fresh_settings import fresh_settings

BASE_DIR = Path(__file__).resolve().parent.parent

# Everything CSP without 'unsafe-inline' (and without 'unsafe-eval') would block.
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(?P<body>.*?)</script\s*>", re.I | re.S)
FORBIDDEN = {
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "on* event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on handler (needs eval)": re.compile(r"\shx-on\b", re.I),
    "javascript: URL": re.compile(r"javascript\s*:", re.I),
}


def _inline_code(html: str) -> list[str]:
    problems = [
        f"inline <script>: {m.group('body').strip()[:60]!r}"
        for m in INLINE_SCRIPT.finditer(html)
        if m.group("body").strip()
    ]
    problems += [name for name, pattern in FORBIDDEN.items() if pattern.search(html)]
    return problems


@pytest.fixture
def member(db):
    return ProfileFactory(onboarded_at=timezone.now())


@pytest.fixture
def other_member(db):
    return ProfileFactory(onboarded_at=timezone.now(), display_name="Dr. Other")


def _log_in(client, member, **request_kwargs):
    response = client.post(
        reverse("account_login"),
        {"login": member.user.email, "password": TEST_PASSWORD},
        **request_kwargs,
    )
    assert response.status_code == 302, response.content[:500]
    return response


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = {
        name: values
        for name, *values in (part.split() for part in csp.split(";") if part.strip())
    }
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def _assert_cookie_flags(cookie, *, secure: bool):
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) is secure


def test_the_home_page_carries_the_security_headers(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    _assert_security_headers(response)
    assert _inline_code(response.content.decode()) == []
    _assert_cookie_flags(response.cookies["csrftoken"], secure=False)


def test_a_member_page_carries_the_security_headers(client, member, other_member):
    login = _log_in(client, member)
    response = client.get(reverse("member_detail", args=[other_member.pk]))

    assert response.status_code == 200
    assert other_member.display_name in response.content.decode()
    _assert_security_headers(response)
    assert _inline_code(response.content.decode()) == []
    _assert_cookie_flags(login.cookies["sessionid"], secure=False)
    _assert_cookie_flags(login.cookies["csrftoken"], secure=False)


def _production_security_settings(monkeypatch) -> dict:
    """The security settings computed under a production environment."""
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "p" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "grapevyne.example")
    monkeypatch.setenv("SITE_URL", "https://grapevyne.example")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SENTRY_DSN"):
        monkeypatch.delenv(name, raising=False)
    values = fresh_settings()
    prefixes = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "X_FRAME_OPTIONS")
    return {k: v for k, v in values.items() if k.startswith(prefixes)}


def test_production_settings_add_hsts_and_secure_cookies(
    client, member, other_member, monkeypatch
):
    production = _production_security_settings(monkeypatch)
    assert production["SECURE_SSL_REDIRECT"] is True

    with override_settings(**production):
        plain_http = client.get(reverse("home"))
        login = _log_in(client, member, secure=True)
        response = client.get(
            reverse("member_detail", args=[other_member.pk]), secure=True
        )

    assert plain_http.status_code == 301
    assert plain_http.headers["Location"].startswith("https://")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    _assert_cookie_flags(login.cookies["sessionid"], secure=True)
    _assert_cookie_flags(login.cookies["csrftoken"], secure=True)


def _page_templates() -> list[Path]:
    """Every template a browser renders. HTML emails (ours and allauth's) are left
    out: CSP does not apply to them and mail clients need inline styles."""
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    emails = [
        BASE_DIR / "templates" / "emails",
        BASE_DIR / "templates" / "account" / "email",
    ]
    return sorted(
        path
        for root in roots
        for path in root.rglob("*.html")
        if not any(folder in path.parents for folder in emails)
        and ".venv" not in path.parts
    )


def test_it_finds_the_page_templates():
    names = {path.relative_to(BASE_DIR).as_posix() for path in _page_templates()}

    assert "templates/base.html" in names
    assert "templates/profiles/member_detail.html" in names
    assert not any(name.startswith("templates/emails/") for name in names)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button onclick="go()">',
        '<button hx-on::click="go()">',
        '<a href="javascript:go()">',
        "<style>p{}</style>",
    ],
)
def test_the_template_scan_catches_inline_code(snippet):
    assert _inline_code(f"<p>{snippet}</p>") != []


def test_a_script_tag_with_src_is_allowed():
    assert _inline_code('<script src="/static/htmx.min.js" defer></script>') == []


def test_no_template_has_inline_script_style_or_handlers():
    problems = {
        path.relative_to(BASE_DIR).as_posix(): found
        for path in _page_templates()
        if (found := _inline_code(path.read_text()))
    }

    assert problems == {}
