"""axe-core finds no violation on the pages a visitor or a member opens, in the
light and the dark theme; allauth's pages wear the house layout and words."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from profiles.factories import ProfileFactory, UserFactory

from .conftest import signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ANONYMOUS_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/about/",
    "/privacy/",
    "/terms/",
    "/contact/",
]

# allauth's pages, with what each must say in the site's words.
ALLAUTH_PAGES = {
    "/accounts/login/": "Log in",
    "/accounts/signup/": "Join Grapevyne",
    "/accounts/password/reset/": "Reset your password",
    "/accounts/password/reset/done/": "Check your email",
    "/accounts/confirm-email/": "Check your email",
    "/accounts/confirm-email/not-a-key/": "Confirm your email address",
    "/accounts/password/reset/key/1-not-a-token/": "This link has expired",
}
MEMBER_ALLAUTH_PAGES = {
    "/accounts/email/": "Your email address",
    "/accounts/password/change/": "Change your password",
    "/accounts/logout/": "Log out?",
}
# allauth's own words that must never show.
ALLAUTH_WORDS = re.compile(
    r"Sign In|Sign Up|Sign Out|is an email address for user|Email Address|"
    r"Password Reset|Make Primary|Change Email|Re-send Verification"
)


def _in_house_layout(page: Page, heading: str) -> None:
    expect(page.locator("header.site-header .brand")).to_be_visible()
    expect(page.locator("footer.site-footer")).to_contain_text("Privacy")
    expect(page.locator("main .auth .card h1")).to_have_text(heading)
    assert not ALLAUTH_WORDS.search(page.locator("body").inner_text())


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_anonymous_pages_have_no_axe_violation(new_page, axe, color_scheme):
    page = new_page(color_scheme=color_scheme)
    for url in ANONYMOUS_PAGES:
        page.goto(url)
        axe.check(page)


def test_every_allauth_page_is_in_the_house_layout_and_words(
    new_page, live_server, axe, browser_errors, screenshots
):
    page = new_page()
    for url, heading in ALLAUTH_PAGES.items():
        response = page.goto(url)
        if response.status >= 400:
            browser_errors.messages.clear()
        _in_house_layout(page, heading)
        axe.check(page)
    page.goto("/accounts/login/")
    screenshots.take(page, "login")

    member = signed_in_page(new_page, live_server, UserFactory())
    for url, heading in MEMBER_ALLAUTH_PAGES.items():
        member.goto(url)
        _in_house_layout(member, heading)
        axe.check(member)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_member_pages_have_no_axe_violation(new_page, live_server, axe, color_scheme):
    me = ProfileFactory(onboarded_at=timezone.now(), user__is_staff=True)
    other = ProfileFactory(onboarded_at=timezone.now())
    page = signed_in_page(new_page, live_server, me.user, color_scheme=color_scheme)
    for url in [
        "/dashboard/",
        "/members/",
        "/members/?q=medicine",
        other.get_absolute_url(),
        me.get_absolute_url(),
        "/profile/",
        "/profile/interests/",
        "/profile/goals/",
        "/profile/preferences/",
        "/profile/privacy/",
        "/welcome/about/",
        "/welcome/interests/",
        "/welcome/goals/",
        f"/intros/request/{other.pk}/",
        f"/intros/members/{other.pk}/block/",
        f"/intros/members/{other.pk}/report/",
        "/account/delete/",
        "/about/",
        "/styleguide/",
    ]:
        page.goto(url)
        axe.check(page)
