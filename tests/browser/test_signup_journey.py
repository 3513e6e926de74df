"""A newcomer's first visit: sign up, verify the email, walk the onboarding wizard."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from profiles.factories import TEST_PASSWORD, ProfileFactory
from profiles.models import MemberGoal, Profile, Specialty
from tests.mail_files import decoded, mails_in
from tests.outbox_delivery import deliver_pending

from .conftest import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

EMAIL = "ada.okafor@example.org"
PASSWORD = "velvet-otter-stethoscope-42"


def _mail_bodies(folder: Path) -> list[str]:
    """The text part of every message the file backend wrote, decoded."""
    return [
        decoded(part)
        for message in mails_in(folder)
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    ]


def _picker_count(page: Page):
    return page.locator("#picked-heading .count")


def _htmx_settled(page: Page) -> None:
    """Wait until htmx has swapped and wired up new content.

    A form clicked before htmx processed it submits natively, which is a different
    (no-JavaScript) path than the one under test.
    """
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def _search_and_add(page: Page, query: str, tag: str) -> None:
    page.get_by_label("Search interests").fill(query)
    add = page.locator("#tag-results").get_by_role("button", name=f"+ {tag}")
    expect(add).to_be_visible()
    _htmx_settled(page)
    add.click()
    expect(page.locator(".tags.picked")).to_contain_text(tag)
    _htmx_settled(page)


def test_a_newcomer_signs_up_verifies_and_completes_onboarding(
    page: Page, live_server, mail_dir, screenshots
):
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    screenshots.take(page, "signup")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert deliver_pending() == 1  # the worker's part: the outbox sends it
    bodies = _mail_bodies(mail_dir)
    assert len(bodies) == 1, bodies
    links = re.findall(r"https?://\S+/accounts/confirm-email/\S+", bodies[0])
    assert len(links) == 1, bodies[0]
    # allauth builds the link from the request, so it points at this very server.
    assert links[0].startswith(f"{live_server.url}/"), links[0]
    page.goto(links[0])
    page.get_by_role("button", name="Yes, confirm it").click()

    expect(page).to_have_url(re.compile(r"/welcome/about/$"))
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_label("Your name, as other members will see it").fill("Ada Okafor")
    page.get_by_label("Role").select_option(label="Resident")
    page.get_by_label("Career stage").select_option(
        label="In training (residency or fellowship)"
    )
    page.get_by_label("Specialty").select_option(label="Emergency Medicine")
    page.get_by_label("Institution or school").fill("Cook County Health")
    page.get_by_label("City").fill("Chicago")
    page.get_by_label("State or region").fill("Illinois")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Short bio").fill(
        "EM resident who writes about the night shift for a local paper."
    )
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/welcome/interests/$"))
    # Survives only if every picker change below is an in-page swap.
    page.evaluate("window.pickerNeverReloaded = true")
    expect(_picker_count(page)).to_have_text("(0 of 3–30)")
    _search_and_add(page, "journalism", "Medical journalism")
    expect(_picker_count(page)).to_have_text("(1 of 3–30)")
    _search_and_add(page, "podcast", "Medical podcasting")
    _search_and_add(page, "op-ed", "Op-ed writing")
    expect(_picker_count(page)).to_have_text("(3 of 3–30)")

    page.get_by_role("button", name="Remove Medical podcasting").click()
    expect(_picker_count(page)).to_have_text("(2 of 3–30)")
    _htmx_settled(page)
    expect(page.locator(".tags.picked")).not_to_contain_text("Medical podcasting")
    _search_and_add(page, "climate", "Climate and health")
    expect(_picker_count(page)).to_have_text("(3 of 3–30)")
    assert page.evaluate("window.pickerNeverReloaded") is True
    page.get_by_label("Search interests").fill("AI")
    expect(
        page.locator("#tag-results").get_by_role("button", name="+ Ambient AI scribes")
    ).to_be_visible()
    _htmx_settled(page)
    screenshots.take(page, "onboarding-interests")
    page.get_by_role("button", name="Continue to goals").click()

    expect(page).to_have_url(re.compile(r"/welcome/goals/$"))
    page.get_by_role("radio", name="seek", exact=True).check()
    page.get_by_role("combobox", name=re.compile(r"^Goal")).select_option(
        label="Mentorship"
    )
    page.get_by_label("About (optional)").select_option(label="Medical journalism")
    page.get_by_role("button", name="Add goal").click()
    seeks = page.get_by_role("region", name="I seek")
    expect(seeks).to_contain_text("Mentorship in Medical journalism")
    _htmx_settled(page)
    page.get_by_role("radio", name="offer", exact=True).check()
    page.get_by_role("combobox", name=re.compile(r"^Goal")).select_option(
        label="Career advice"
    )
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_role("region", name="I offer")).to_contain_text("Career advice")
    _htmx_settled(page)
    page.get_by_role("button", name="Finish and see my profile").click()

    profile = Profile.objects.get(user__email=EMAIL)
    expect(page).to_have_url(re.compile(rf"/members/{profile.pk}/$"))
    expect(page.get_by_role("heading", name="Ada Okafor")).to_be_visible()
    interests = page.locator("article.profile ul.tags")
    for name in ("Medical journalism", "Op-ed writing", "Climate and health"):
        expect(interests).to_contain_text(name)
    expect(interests).not_to_contain_text("Medical podcasting")
    seeks_and_offers = page.locator("article.profile .grid")
    expect(seeks_and_offers).to_contain_text("Mentorship in Medical journalism")
    expect(seeks_and_offers).to_contain_text("Career advice")
    expect(page.locator("article.profile")).not_to_contain_text(EMAIL)
    screenshots.take(page, "profile")
    page.set_viewport_size(PHONE)
    screenshots.take(page, "profile-phone")

    assert profile.onboarded_at is not None
    assert profile.role == Profile.Role.RESIDENT
    assert sorted(profile.goals.values_list("direction", "kind__slug")) == [
        (MemberGoal.Direction.OFFER, "career-advice"),
        (MemberGoal.Direction.SEEK, "mentorship"),
    ]


@pytest.fixture
def half_onboarded():
    """A verified member who filled in 'About you' but picked no interests yet."""
    return ProfileFactory(
        display_name="Sam Rivera",
        specialty=Specialty.objects.get(slug="family-medicine"),
        onboarded_at=None,
    )


def _log_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_searching_interests_works_without_javascript(new_page, half_onboarded):
    page = new_page(java_script_enabled=False)
    _log_in(page, half_onboarded.user)
    expect(page).to_have_url(re.compile(r"/welcome/interests/$"))

    page.get_by_label("Search interests").fill("journalism")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(r"/welcome/interests/\?q=journalism$"))
    expect(
        page.locator("#tag-results").get_by_role("button", name="+ Medical journalism")
    ).to_be_visible()


def test_adding_an_interest_works_without_javascript(new_page, half_onboarded):
    page = new_page(java_script_enabled=False)
    _log_in(page, half_onboarded.user)
    page.goto("/welcome/interests/?q=journalism")
    page.locator("#tag-results").get_by_role(
        "button", name="+ Medical journalism"
    ).click()

    # Back on the same step with the same search, to pick the next one.
    expect(page).to_have_url(re.compile(r"/welcome/interests/\?q=journalism$"))
    expect(page.get_by_label("Search interests")).to_have_value("journalism")
    expect(_picker_count(page)).to_have_text("(1 of 3–30)")
    expect(page.locator(".tags.picked")).to_contain_text("Medical journalism")
    page.get_by_role("button", name="Continue to goals").click()
    expect(page.get_by_role("alert").first).to_contain_text("Pick at least 3")
    assert [i.slug for i in half_onboarded.interests.all()] == ["medical-journalism"]
    half_onboarded.refresh_from_db()
    assert half_onboarded.onboarded_at is None
