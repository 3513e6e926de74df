"""In-page updates for keyboard and screen-reader users, Back after a search, the
directory's interest filter, and onboarding with and without JavaScript."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from profiles.factories import TEST_PASSWORD, ProfileFactory, UserFactory
from profiles.models import Interest, MemberGoal, Profile, Specialty
from profiles.services import profiles_refresh_search_vectors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _log_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _focused(page: Page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def _tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focus is on `selector`: the keyboard's only way there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page, selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def _announced(page: Page):
    return page.locator("#announcer")


def _member(name: str, slugs: list[str], **fields) -> Profile:
    profile = ProfileFactory.create(
        display_name=name,
        interests=list(Interest.objects.filter(slug__in=slugs)),
        onboarded_at=timezone.now(),
        **fields,
    )
    profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return profile


def test_onboarding_with_the_keyboard_only(new_page, axe):
    """Tab, Enter and Space (and typing in fields) through the three steps: the
    picker keeps focus and the search, and announces each change politely."""
    user = UserFactory()
    page = new_page(timezone_id="America/Chicago")
    _log_in(page, user)
    page.goto("/welcome/")
    expect(page).to_have_url(re.compile(r"/welcome/about/$"))
    # Guessed from the browser, and a country to choose, not a dash.
    expect(page.locator("#id_time_zone")).to_have_value("America/Chicago")
    expect(page.locator("#id_country option:checked")).to_have_text(
        "Choose your country"
    )
    axe.check(page)

    _tab_to(page, "#id_display_name")
    page.keyboard.type("Dr. Kim Keyboard")
    _tab_to(page, "#id_role")
    page.keyboard.type("Resident")
    _tab_to(page, "#id_career_stage")
    page.keyboard.type("In training")
    _tab_to(page, "#id_specialty")
    page.keyboard.type("Family medicine")
    _tab_to(page, "#id_country")
    page.keyboard.type("United States of")
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/welcome/interests/$"))
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.role, profile.time_zone) == (
        "Dr. Kim Keyboard",
        Profile.Role.RESIDENT,
        "America/Chicago",
    )
    assert str(profile.country) == "US"

    # The picker: search by a synonym, add from the results one after another.
    _tab_to(page, "#tag-search")
    page.keyboard.type("artificial intelligence")
    result = "#tag-results [data-focus-group=results]"
    expect(page.locator(result)).to_have_count(5)
    expect(_announced(page)).to_have_text("5 interests found")
    axe.check(page)
    _tab_to(page, result)
    for count, key in enumerate(["Enter", "Space", "Enter"], start=1):
        name = page.evaluate("document.activeElement.textContent").removeprefix("+ ")
        page.keyboard.press(key)
        expect(_announced(page)).to_have_text(f"Added {name} ({count} of 30)")
        expect(page.locator(".tags.picked")).to_contain_text(name)
        # The search and the rest of its results stay; focus is on the next one.
        expect(page.locator("#tag-search")).to_have_value("artificial intelligence")
        expect(page.locator(result)).to_have_count(5 - count)
        assert _focused(page, result)

    # Back up to the picked tags and remove one: focus moves to the one after it.
    while not _focused(page, "[data-focus-group=picked]"):
        page.keyboard.press("Shift+Tab")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    removed = label.removeprefix("Remove ")
    expect(_announced(page)).to_have_text(f"Removed {removed} (2 of 30)")
    assert _focused(page, "[data-focus-group=picked]")
    expect(page.locator(result)).to_have_count(3)
    _tab_to(page, result)
    page.keyboard.press("Enter")
    expect(_announced(page)).to_have_text(re.compile(r"\(3 of 30\)$"))

    _tab_to(page, ".step-next button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/welcome/goals/$"))
    axe.check(page)

    # Goals: a radio takes Space, a select takes typing.
    _tab_to(page, "#goals input[type=radio][value=seek]")
    page.keyboard.press("Space")
    _tab_to(page, "#id_kind")
    page.keyboard.type("Mentorship")
    _tab_to(page, "#goal-add-button")
    page.keyboard.press("Enter")
    expect(_announced(page)).to_have_text("Added: I seek Mentorship")
    expect(page.locator("#goals")).to_contain_text("Mentorship")
    assert _focused(page, "#goal-add-button")
    assert MemberGoal.objects.filter(profile=profile, kind__slug="mentorship").exists()

    _tab_to(page, ".step-next button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/members/{profile.pk}/$"))


def test_back_after_a_directory_search_shows_the_whole_page(new_page):
    reader = _member("Rita Reader", ["global-health", "peer-support", "biodesign"])
    _member(
        "Dr. Helen Achebe", ["medical-journalism", "op-ed-writing", "health-policy"]
    )
    _member("Priya Raman", ["clinical-trials", "health-data-science", "biodesign"])
    page = new_page()
    _log_in(page, reader.user)
    page.goto("/members/")
    results = page.locator("#directory-results")
    expect(results).to_contain_text("2 members")

    page.locator("#directory-q").fill("journalism")
    expect(page).to_have_url(re.compile(r"/members/\?q=journalism"))
    expect(results).to_contain_text("1 member")
    expect(_announced(page)).to_have_text("1 member")
    results.get_by_role("link", name="Dr. Helen Achebe").click()
    expect(page.get_by_role("heading", name="Dr. Helen Achebe")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/members/\?q=journalism"))
    # The whole page, not the fragment the search swapped in.
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    expect(page.locator("header nav")).to_be_visible()
    expect(page.locator("#directory-q")).to_have_value("journalism")
    expect(results).to_contain_text("1 member")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/members/$"))
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    expect(results).to_contain_text("2 members")


def test_the_interest_filter_is_grouped_searchable_and_announces_counts(new_page, axe):
    reader = _member("Rita Reader", ["global-health", "peer-support", "biodesign"])
    _member("Ed Epic", ["epic-optimization", "inbox-management", "biodesign"])
    _member("Priya Raman", ["clinical-trials", "health-data-science", "biodesign"])
    page = new_page()
    _log_in(page, reader.user)
    page.goto("/members/")
    page.get_by_text("Filter by interests").click()
    groups = page.locator("#tag-filter-list details.tag-filter")
    assert groups.count() >= 10
    axe.check(page)

    search = page.get_by_label("Find an interest in the list")
    search.fill("EHR")
    expect(_announced(page)).to_have_text(re.compile(r"^\d+ interests in the list$"))
    visible = page.locator("#tag-filter-list label.chip:visible")
    expect(visible.first).to_be_visible()
    names = visible.all_inner_texts()
    assert "Epic optimization" in [n.strip() for n in names]
    assert all(
        Interest.objects.get(name=n.strip()).category.slug == "emr-and-workflow"
        for n in names
    )
    # Typing in the filter box searched nobody.
    expect(page).to_have_url(re.compile(r"/members/$"))

    page.get_by_label("Epic optimization").focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"interest=epic-optimization"))
    expect(page.locator("#directory-results")).to_contain_text("1 member")
    expect(_announced(page)).to_have_text("1 member")
    assert _focused(page, "input[value=epic-optimization]")

    search.fill("")
    expect(_announced(page)).to_have_text("All interests shown")
    expect(groups.first).to_be_visible()


def test_onboarding_works_without_javascript_and_keeps_its_steps(
    new_page, browser_errors, live_server
):
    profile = ProfileFactory.create(
        display_name="Nora NoScript",
        specialty=Specialty.objects.get(slug="family-medicine"),
        interests=list(Interest.objects.active()[:3]),
        onboarded_at=None,
    )
    page = new_page(java_script_enabled=False)
    _log_in(page, profile.user)
    page.goto("/welcome/goals/")
    # A goal with no kind: the error, still inside onboarding with its steps.
    page.get_by_role("radio", name="seek").check()
    page.get_by_role("button", name="Add goal").click()
    expect(page.locator("#goals")).to_contain_text("This field is required.")
    expect(page.locator(".steps [aria-current=step]")).to_have_text("Goals")
    expect(page.get_by_role("button", name="Finish and see my profile")).to_be_visible()
    browser_errors.only_the_status_was_logged(f"{live_server.url}/goals/add/", 422)

    page.get_by_role("radio", name="seek").check()
    page.get_by_label("Goal", exact=True).select_option(label="Mentorship")
    page.get_by_role("button", name="Add goal").click()
    expect(page).to_have_url(re.compile(r"/welcome/goals/$"))
    expect(page.locator("#goals")).to_contain_text("Mentorship")
    page.get_by_role("button", name="Finish and see my profile").click()
    expect(page).to_have_url(re.compile(rf"/members/{profile.pk}/$"))
