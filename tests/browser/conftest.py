"""Headless Chromium (Debian's, never a Playwright download) against the live server.

One browser for the session, a fresh context per test. Every page fails its test on
a console error or an uncaught exception, which is how CSP violations surface.
"""

import os
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    ViewportSize,
    sync_playwright,
)

from introductions import services
from introductions.explanations import Explanation
from introductions.models import Introduction
from profiles.models import Profile
from profiles.taxonomy import load_taxonomy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def signed_in_page(new_page, live_server, user, **context_options) -> Page:
    """A page in a fresh context that holds `user`'s session cookie."""
    client = Client()
    client.force_login(user)
    page = new_page(**context_options)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def offer_as_a_round_would(
    a: Profile, b: Profile, explanation: Explanation
) -> Introduction:
    """Propose the pair as the matching round does, then offer it as the beat does."""
    (intro,) = services.introductions_create_proposed(
        pairs=[
            services.ProposedPair(
                member_a_id=a.pk, member_b_id=b.pk, score=0.8, explanation=explanation
            )
        ]
    )
    assert services.intros_offer_proposed() == 1
    return Introduction.objects.get(pk=intro.pk)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="save the browser journeys' full-page screenshots (README images) in DIR",
    )


@pytest.fixture(autouse=True)
def _seeded_taxonomy(transactional_db) -> None:
    """Put back the specialties, tags and goals of the data migration.

    Every transactional test (here or elsewhere) ends by flushing the tables, which
    takes the migration's rows with it; the loader only creates what is missing.
    """
    load_taxonomy(apps)


@pytest.fixture
def mail_dir(settings, live_server, tmp_path) -> Path:
    """Mail goes into a folder the test reads, with links to this live server.

    The live server thread reads the same settings object, so it sees this too.
    """
    folder = tmp_path / "mail"
    settings.MAILERS = {
        "default": {
            "BACKEND": "grapevyne.mail.ConsoleAndFileBackend",
            "OPTIONS": {"file_path": str(folder)},
        }
    }
    settings.SITE_URL = live_server.url
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    # Playwright's sync API keeps an asyncio loop running in this thread, which makes
    # Django refuse ORM calls from test code (factories, assertions on rows). Only
    # while browsers run: other tests keep Django's async-safety check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class BrowserErrors:
    """Console errors and page exceptions seen by every page of one context."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.messages.append(f"uncaught: {exc}"))
        return page

    def only_the_status_was_logged(self, url: str, status: int) -> None:
        """Chromium logs a deliberate 4xx (a friendly error page, a form error for
        htmx) as a console error: allow exactly that one line and nothing else."""
        reason = HTTPStatus(status).phrase
        assert self.messages == [
            "Failed to load resource: the server responded with a status of "
            f"{status} ({reason}) ({url})"
        ]
        self.messages.clear()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(f"{message.text} ({message.location.get('url')})")


@pytest.fixture
def browser_errors() -> Iterator[BrowserErrors]:
    errors = BrowserErrors()
    yield errors
    assert errors.messages == [], "the browser reported errors"


@pytest.fixture
def new_page(browser, live_server, browser_errors):
    """Open a page in a fresh context, e.g. `new_page(java_script_enabled=False)`."""
    contexts = []

    def open_page(**context_options) -> Page:
        context_options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return browser_errors.watch(context.new_page())

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


class AxeCheck:
    """axe-core (bundled with axe-playwright-python) run on the page as it is now.

    `axe.check(page)` fails the test with every violation's rule, impact, help text
    and offending elements, so a failure says what to fix without a re-run. Call it
    after each page or state worth checking (a swapped partial, an open dialog).
    The script goes in through the DevTools protocol, which the page's CSP does not
    govern, so the strict policy under test stays as it is.
    """

    # WCAG 2.1 A and AA plus axe's best practices (landmarks, one h1, headings in
    # order): the bar the issue sets for member, anonymous and admin pages.
    TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

    def __init__(self) -> None:
        self._axe = Axe()

    def violations(self, page: Page, context: str | None = None) -> list[dict]:
        options = {
            "runOnly": {"type": "tag", "values": self.TAGS},
            "resultTypes": ["violations"],
        }
        return self._axe.run(page, context=context, options=options).response[
            "violations"
        ]

    def check(self, page: Page, context: str | None = None) -> None:
        found = self.violations(page, context)
        assert not found, f"axe found violations on {page.url}:\n" + "\n".join(
            self._describe(violation) for violation in found
        )

    @staticmethod
    def _describe(violation: dict) -> str:
        nodes = "; ".join(
            " ".join(node["target"]) + f" ({node.get('failureSummary', '')})"
            for node in violation["nodes"][:5]
        )
        rule = f"{violation['id']} [{violation['impact']}]"
        return f"- {rule} {violation['help']}: {nodes}"


@pytest.fixture(scope="session")
def axe() -> AxeCheck:
    return AxeCheck()


class Screenshots:
    """Full-page PNGs: into --screenshots DIR for the README, else into tmp_path."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def take(self, page: Page, name: str) -> Path:
        path = self.directory / f"{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled")
        return path


@pytest.fixture
def screenshots(request, tmp_path) -> Screenshots:
    option = request.config.getoption("screenshots", default=None)
    if option is None:
        return Screenshots(tmp_path / "screenshots")
    return Screenshots(request.config.invocation_params.dir / option)
