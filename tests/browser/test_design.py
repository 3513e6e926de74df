"""The look: the dashboard's introduction hero at phone and desktop size, the dark
theme, the focus ring and the current page in the nav, the trust pages and the
staff style guide, each with axe-core finding nothing."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from introductions.explanations import Explanation
from profiles.factories import ProfileFactory
from profiles.models import Interest, Profile, Specialty

from .conftest import PHONE, offer_as_a_round_would, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SHARED = ["Medical journalism", "Global health"]
EXPLANATION = Explanation(shared_interests=tuple(SHARED), cross_specialty=True)


def _member(name: str, **fields) -> Profile:
    # Reasons are re-checked against current data: both must hold the shared tags.
    return ProfileFactory.create(
        display_name=name,
        onboarded_at=timezone.now(),
        interests=list(Interest.objects.filter(name__in=SHARED)),
        **fields,
    )


@pytest.fixture
def offered(live_server):
    reader = _member(
        "Ada Okafor",
        time_zone="America/Chicago",
        specialty=Specialty.objects.get(slug="cardiology"),
    )
    other = _member(
        "Lin Wei",
        role=Profile.Role.ATTENDING,
        specialty=Specialty.objects.get(slug="dermatology"),
        city="Seattle",
        country="US",
        show_city=True,
        time_zone="America/Los_Angeles",
    )
    return reader, other, offer_as_a_round_would(reader, other, EXPLANATION)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_dashboard_shows_a_pending_introduction_first(
    new_page, live_server, offered, axe, screenshots, size
):
    reader, other, intro = offered
    options = {"viewport": PHONE} if size == "phone" else {}
    page = signed_in_page(new_page, live_server, reader.user, **options)
    page.goto("/dashboard/")
    hero = page.locator(".intro-hero")
    expect(hero).to_be_visible()
    expect(hero.get_by_role("heading", name="Lin Wei")).to_be_visible()
    expect(hero).to_contain_text("Attending physician · Dermatology")
    expect(hero).to_contain_text("Seattle, United States of America")
    expect(hero).to_contain_text(
        "You both care about Medical journalism and Global health"
    )
    expect(hero.get_by_role("link", name="Lin Wei")).to_have_attribute(
        "href", other.get_absolute_url()
    )
    deadline = intro.deadline_for(reader)
    expect(hero).to_contain_text(
        f"Answer by {deadline:%A} {deadline.day} {deadline:%B}."
    )
    accept = hero.get_by_role("button", name="Accept")
    not_now = hero.get_by_role("button", name="Not now")
    expect(accept).to_be_visible()
    expect(not_now).to_be_visible()
    # Both answers are on screen without scrolling sideways, at either size.
    width = page.viewport_size["width"]
    for button in (accept, not_now):
        box = button.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    screenshots.take(page, f"dashboard-hero-{size}")
    axe.check(page)


def _luminance(css_colour: str) -> float:
    """WCAG relative luminance of an rgb()/rgba() colour as Chromium reports it."""
    red, green, blue = (int(v) for v in re.findall(r"[\d.]+", css_colour)[:3])

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_dark_theme_is_dark_and_every_text_keeps_its_contrast(
    new_page, live_server, offered, axe, screenshots
):
    reader, other, _ = offered
    page = signed_in_page(new_page, live_server, reader.user, color_scheme="dark")
    for url in ["/dashboard/", other.get_absolute_url(), "/about/"]:
        page.goto(url)
        background = page.evaluate(
            "getComputedStyle(document.documentElement).backgroundColor"
        )
        assert _luminance(background) < 0.05, background
        # axe's color-contrast rule checks every text node against 4.5:1.
        axe.check(page)
    page.goto("/dashboard/")
    screenshots.take(page, "dashboard-dark")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_focus_ring_is_visible_on_whatever_the_keyboard_reaches(
    new_page, live_server, offered, color_scheme
):
    reader, _, _ = offered
    page = signed_in_page(new_page, live_server, reader.user, color_scheme=color_scheme)
    page.goto("/dashboard/")
    background = page.evaluate(
        "getComputedStyle(document.documentElement).backgroundColor"
    )
    for _ in range(8):
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => {
              const s = getComputedStyle(document.activeElement);
              return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor,
                      document.activeElement.tagName];
            }"""
        )
        style, width, colour, tag = ring
        assert style == "solid", ring
        assert width >= 2, ring
        assert _contrast(colour, background) >= 3, (ring, background)
        assert tag in {"A", "BUTTON", "SELECT", "INPUT", "SUMMARY"}


def test_the_nav_marks_the_current_page(new_page, live_server, offered):
    reader, _, _ = offered
    page = signed_in_page(new_page, live_server, reader.user)
    nav = page.get_by_role("navigation", name="Main")
    for url, current in [
        ("/dashboard/", "Dashboard"),
        ("/members/", "Members"),
        ("/profile/interests/", "My profile"),
    ]:
        page.goto(url)
        expect(nav.locator('[aria-current="page"]')).to_have_text(current)


def test_destructive_actions_do_not_look_like_the_primary_one(
    new_page, live_server, offered
):
    reader, _, _ = offered
    # Someone the reader has no introduction with: the page offers to ask for one.
    stranger = _member("Sam Rivera")
    page = signed_in_page(new_page, live_server, reader.user)
    page.goto(stranger.get_absolute_url())

    def background(locator) -> str:
        return locator.evaluate("el => getComputedStyle(el).backgroundColor")

    def colour(locator) -> str:
        return locator.evaluate("el => getComputedStyle(el).color")

    ask = page.get_by_role("link", name="Ask for an introduction")
    block = page.get_by_role("link", name="Block")
    report = page.get_by_role("link", name="Report")
    assert background(block) != background(ask)
    assert colour(block) == colour(report) != colour(ask)
    page.goto("/dashboard/")
    accept = page.get_by_role("button", name="Accept")
    not_now = page.get_by_role("button", name="Not now")
    assert background(accept) != background(not_now)
