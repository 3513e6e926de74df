"""Staff meet allauth's MFA pages (the code step at login, the authenticator app,
recovery codes, confirming it is them): each is in the house layout, in the site's
words, and has no axe violation."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import expect

from profiles.factories import TEST_PASSWORD, UserFactory
from tests.totp import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _house_page(page, axe, heading: str) -> None:
    """The site's header and card, our heading, none of allauth's own words."""
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.locator("main .auth .card h1")).to_have_text(heading)
    text = page.locator("body").inner_text()
    for allauth_words in ("Sign In", "Sign in", "Two-Factor", "Authenticator App"):
        assert allauth_words not in text, (allauth_words, page.url)
    axe.check(page)


def _log_in(page, user) -> None:
    page.goto("/admin/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("#id_password").press("Enter")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_staff_log_in_with_a_code_and_manage_recovery_codes(new_page, axe, scheme):
    user = UserFactory(is_staff=True, is_superuser=True)
    page = new_page(color_scheme=scheme)
    _log_in(page, user)

    page.wait_for_url(f"**{reverse('mfa_authenticate')}")
    _house_page(page, axe, "Log in")
    expect(page.get_by_label("Code")).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    code = page.get_by_label("Code")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_attribute("aria-describedby", "id_code_error")
    expect(page.locator("#id_code_error")).not_to_be_empty()
    _house_page(page, axe, "Log in")

    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    page.goto(reverse("mfa_index"))
    _house_page(page, axe, "Authenticator app")
    expect(page.get_by_text("You have no recovery codes.")).to_be_visible()

    page.get_by_role("link", name="Make new codes").click()
    # Making codes asks again who it is; the password is one way, a code the other.
    page.wait_for_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    _house_page(page, axe, "Confirm it is you")
    expect(
        page.get_by_role("link", name="Use a code from your authenticator app instead")
    ).to_be_visible()
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{reverse('mfa_generate_recovery_codes')}")
    _house_page(page, axe, "Make new recovery codes")
    page.get_by_role("button", name="Make new codes").click()

    page.wait_for_url(f"**{reverse('mfa_view_recovery_codes')}")
    _house_page(page, axe, "Recovery codes")
    codes = page.get_by_label("Unused codes").input_value().split("\n")
    stored = Authenticator.objects.get(user=user, type="recovery_codes").wrap()
    assert codes == stored.get_unused_codes()
    assert len(codes) == 10
    expect(page.get_by_text("10 of your 10 recovery codes are unused.")).to_be_visible()

    page.goto(reverse("mfa_reauthenticate") + "?next=" + reverse("mfa_index"))
    _house_page(page, axe, "Confirm it is you")
    expect(page.get_by_role("link", name="Use your password instead")).to_be_visible()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{reverse('mfa_index')}")
    stored = Authenticator.objects.get(user=user, type="recovery_codes").wrap()
    assert codes[0] not in stored.get_unused_codes()
    expect(page.get_by_text("You have 9 unused recovery codes.")).to_be_visible()

    page.goto(reverse("mfa_deactivate_totp"))
    _house_page(page, axe, "Turn off the authenticator app")
    expect(page.get_by_text("you cannot use the admin")).to_be_visible()
    page.get_by_role("button", name="Turn off").click()
    page.wait_for_url(f"**{reverse('mfa_index')}")
    _house_page(page, axe, "Authenticator app")
    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_new_staff_set_up_an_authenticator_app_before_the_admin(new_page, axe, scheme):
    user = UserFactory(is_staff=True, is_superuser=True, totp=False)
    page = new_page(color_scheme=scheme)
    _log_in(page, user)

    # On the way to the admin's missing step, allauth asks for the password again.
    page.wait_for_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    _house_page(page, axe, "Confirm it is you")
    expect(
        page.get_by_text("Set up an authenticator app to use the admin")
    ).to_be_visible()
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{reverse('mfa_activate_totp')}")
    _house_page(page, axe, "Set up an authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.get_by_label("Secret").input_value()
    assert secret

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_label("Authenticator code")).to_have_attribute(
        "aria-describedby", "id_code_error"
    )
    _house_page(page, axe, "Set up an authenticator app")
    assert page.get_by_label("Secret").input_value() == secret

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url(re.compile(r"/accounts/"))
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    page.goto("/admin/")
    page.wait_for_url("**/admin/")
    expect(page.locator("#site-name")).to_be_visible()
