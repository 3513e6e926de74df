"""A member edits their profile, and another member finds them in the directory."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from profiles.factories import TEST_PASSWORD, ProfileFactory
from profiles.models import Interest, Profile, Specialty
from profiles.services import profiles_refresh_search_vectors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WRONG_NPI = "1234567890"
VALID_NPI = "1234567893"

# A handful of members so the directory looks like one; none writes journalism.
# Fixed names and cities keep the committed screenshot stable from run to run.
NEIGHBOURS = [
    ("Priya Raman", "cardiology", "Boston", ["clinical-trials", "health-data-science"]),
    (
        "Tomás Herrera",
        "pediatrics",
        "San Antonio",
        ["global-health", "vaccines-and-immunization"],
    ),
    ("Grace Liu", "psychiatry", "Seattle", ["physician-wellbeing", "peer-support"]),
    (
        "Samuel Osei",
        "surgery",
        "Atlanta",
        ["medical-devices", "biodesign", "venture-capital"],
    ),
]


def _member(name: str, specialty: str, city: str, interests: list[str]) -> Profile:
    return ProfileFactory.create(
        display_name=name,
        specialty=Specialty.objects.get(slug=specialty),
        city=city,
        interests=list(Interest.objects.filter(slug__in=interests)),
        onboarded_at=timezone.now(),
    )


@pytest.fixture
def writer() -> Profile:
    return _member(
        "Dr. Helen Achebe",
        "internal-medicine",
        "Minneapolis",
        ["medical-journalism", "op-ed-writing", "health-policy"],
    )


@pytest.fixture
def neighbours() -> list[Profile]:
    profiles = [_member(*row) for row in NEIGHBOURS]
    # Factories write rows directly; the app keeps this document current on save.
    profiles_refresh_search_vectors(profile_ids=[p.pk for p in profiles])
    return profiles


def _log_in(page: Page, profile: Profile) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(profile.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_member_edits_bio_and_npi_and_is_found_in_the_directory(
    new_page, writer, neighbours, screenshots
):
    page = new_page()
    _log_in(page, writer)
    page.get_by_role("link", name="My profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))

    bio = "Hospitalist and health columnist; happy to help residents publish."
    page.get_by_label("Short bio").fill(bio)
    npi = page.get_by_label("NPI")
    npi.fill(WRONG_NPI)
    page.get_by_role("button", name="Save").click()

    error = page.locator("#id_npi_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("NPI")
    expect(npi).to_have_value(WRONG_NPI)
    expect(npi).to_have_attribute("aria-describedby", re.compile(r"id_npi_error"))
    expect(page.get_by_text("NPI on file")).to_have_count(0)
    writer.refresh_from_db()
    assert writer.npi == ""
    assert writer.bio != bio

    npi.fill(VALID_NPI)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_text("NPI on file")).to_be_visible()
    expect(page.get_by_label("Short bio")).to_have_value(bio)
    writer.refresh_from_db()
    assert (writer.npi, writer.bio) == (VALID_NPI, bio)

    reader = new_page()
    _log_in(reader, neighbours[0])
    reader.get_by_role("link", name="Members", exact=True).click()
    results = reader.locator("#directory-results")
    # Everyone but the reader.
    expect(results).to_contain_text(f"{len(neighbours)} members")
    screenshots.take(reader, "directory")
    reader.get_by_label("Search by name, interest, specialty or goal").fill(
        "Medical journalism"
    )
    reader.get_by_role("button", name="Search", exact=True).click()
    expect(results).to_contain_text("1 member")
    expect(results.get_by_role("link", name="Dr. Helen Achebe")).to_be_visible()
    for other in neighbours:
        expect(results).not_to_contain_text(other.display_name)
    expect(reader).to_have_url(re.compile(r"/members/\?q=Medical(\+|%20)journalism"))

    reader.get_by_role("link", name="Dr. Helen Achebe").click()
    expect(reader.get_by_role("heading", name="Dr. Helen Achebe")).to_be_visible()
    expect(reader.locator("article.profile")).to_contain_text(bio)
    expect(reader.get_by_text("NPI on file")).to_be_visible()
    expect(reader.locator("article.profile")).not_to_contain_text(writer.user.email)


def test_form_errors_from_an_htmx_post_are_shown_in_place(
    new_page, writer, browser_errors, live_server
):
    """A 422 (form errors) and a 429 (rate limit) must be swapped in, not dropped."""
    page = new_page()
    _log_in(page, writer)
    page.goto("/profile/goals/")
    page.evaluate("window.stillHere = true")

    page.get_by_label("Goal").select_option(index=1)
    page.get_by_role("button", name="Add goal").click()

    expect(page.locator("#goals")).to_contain_text("This field is required.")
    assert page.evaluate("window.stillHere") is True
    browser_errors.only_the_status_was_logged(f"{live_server.url}/goals/add/", 422)
