"""Two members answer an introduction from their email, and one says no from the
dashboard; bad links get a friendly page."""

import re
from datetime import time
from email.message import Message
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from introductions.explanations import Explanation
from introductions.models import Introduction, OutboxEmail
from profiles.factories import TEST_PASSWORD, ProfileFactory
from profiles.models import CallWindow, Profile, Specialty
from tests.mail_files import decoded, mails_in
from tests.outbox_delivery import deliver_pending

from .conftest import offer_as_a_round_would

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

EXPLANATION = Explanation(
    shared_interests=("Medical journalism",), cross_specialty=True
)


def _mail_to(folder: Path, member: Profile, subject: str) -> Message:
    found = [
        m
        for m in mails_in(folder)
        if m["To"] == member.user.email and subject in m["Subject"]
    ]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in mails_in(folder)]
    return found[0]


def _text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return decoded(part)
    raise AssertionError("no text part")


def _link(message: Message, label: str) -> str:
    links = re.findall(rf"^{label}: (\S+)$", _text(message), flags=re.MULTILINE)
    assert len(links) == 1, _text(message)
    return links[0]


def _member(name: str, email_address: str, specialty: str, zone: str) -> Profile:
    member = ProfileFactory.create(
        display_name=name,
        user__email=email_address,
        specialty=Specialty.objects.get(slug=specialty),
        city="Chicago" if zone == "America/Chicago" else "New York",
        time_zone=zone,
        onboarded_at=timezone.now(),
    )
    # Weekday afternoons overlap between the two zones, so there are call slots.
    CallWindow.objects.bulk_create(
        [
            CallWindow(profile=member, weekday=day, start=time(12), end=time(18))
            for day in range(5)
        ]
    )
    return member


def _log_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def _htmx_settled(page: Page) -> None:
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def test_both_members_accept_from_their_email_and_are_connected(
    new_page, live_server, mail_dir, screenshots
):
    nadia = _member(
        "Nadia Haddad", "nadia@example.org", "cardiology", "America/New_York"
    )
    omar = _member("Omar Reyes", "omar@example.org", "pediatrics", "America/Chicago")
    intro = offer_as_a_round_would(nadia, omar, EXPLANATION)
    assert deliver_pending() == 2

    accept = _link(_mail_to(mail_dir, nadia, "meet Omar Reyes"), "Accept")
    assert accept.startswith(f"{live_server.url}/"), accept
    page = new_page()
    page.goto(accept)
    expect(page.get_by_role("heading", name="Meet Omar Reyes?")).to_be_visible()
    # Mail scanners open links: the GET alone must leave the offer untouched.
    intro.refresh_from_db()
    assert intro.state == Introduction.State.OFFERED
    assert (intro.a_response, intro.b_response) == ("", "")

    page.get_by_role("button", name="Yes, introduce us").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "We will email you both as soon as Omar Reyes says yes too"
    )
    intro.refresh_from_db()
    assert intro.state == Introduction.State.ACCEPTED_ONE
    assert intro.response_of(nadia) == Introduction.Response.ACCEPTED

    accept = _link(_mail_to(mail_dir, omar, "meet Nadia Haddad"), "Accept")
    page = new_page()
    page.goto(accept)
    page.get_by_role("button", name="Yes, introduce us").click()
    expect(
        page.get_by_role("heading", name="You are connected with Nadia Haddad")
    ).to_be_visible()
    # The link's holder is its recipient: the page gives the contact and the times.
    expect(page.get_by_role("link", name="nadia@example.org")).to_be_visible()
    expect(page.get_by_text("-minute calls (your time)")).to_be_visible()
    screenshots.take(page, "intro-connected")
    intro.refresh_from_db()
    assert intro.state == Introduction.State.CONNECTED
    assert len(intro.proposed_slots) == 3

    # The addresses and call times: on the dashboard, after logging in.
    page.get_by_role("link", name="Go to your dashboard").click()
    page.locator("#id_login").fill(omar.user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    card = page.locator(f"#intro-{intro.pk}")
    expect(card).to_contain_text("Nadia Haddad")
    expect(card.get_by_role("link", name=nadia.user.email)).to_have_attribute(
        "href", f"mailto:{nadia.user.email}"
    )
    expect(card).to_contain_text("Suggested 20-minute calls (your time)")
    expect(card.locator("ul.slots li")).to_have_count(3)
    screenshots.take(page, "dashboard-intros")

    assert deliver_pending() == 2
    assert not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists()
    for reader, other in ((nadia, omar), (omar, nadia)):
        connected = _mail_to(mail_dir, reader, "Introduction: ")
        assert other.user.email in _text(connected)
        invites = [p for p in connected.walk() if p.get_filename()]
        assert [p.get_filename() for p in invites] == [
            f"grapevyne-call-option-{n}.ics" for n in (1, 2, 3)
        ]
        for invite in invites:
            assert invite.get_content_type() == "text/calendar"
            ics = invite.get_payload(decode=True).decode()
            assert ics.startswith("BEGIN:VCALENDAR"), ics
            assert "BEGIN:VEVENT" in ics


def test_a_member_declines_from_the_dashboard_and_the_other_is_not_told(
    new_page, live_server
):
    chen = _member("Chen Wei", "chen@example.org", "psychiatry", "America/New_York")
    dara = _member("Dara Fox", "dara@example.org", "surgery", "America/Chicago")
    intro = offer_as_a_round_would(chen, dara, EXPLANATION)

    page = new_page()
    _log_in(page, chen.user)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    section = page.locator("#dashboard-introductions")
    card = section.locator(f"#intro-{intro.pk}")
    expect(section).to_contain_text("Someone we think you should meet")
    expect(card).to_contain_text("Dara Fox")
    # Survives only if the answer is an in-page swap, not a reload.
    page.evaluate("window.dashboardNeverReloaded = true")
    _htmx_settled(page)
    card.get_by_role("button", name="Not now").focus()
    page.keyboard.press("Enter")

    notice = "Thank you. Nobody will be told who said no."
    expect(section.locator(".message")).to_have_text(notice)
    # Read out once by the page's live region, and the focus is not lost: the
    # section's heading has it, where the answered card was.
    expect(page.locator("#announcer")).to_have_text(notice)
    assert page.evaluate("document.activeElement.id") == "introductions-heading"
    expect(card).to_contain_text("Dara Fox")
    expect(card).to_contain_text("You passed")
    expect(section).not_to_contain_text("Someone we think you should meet")
    assert page.evaluate("window.dashboardNeverReloaded") is True
    intro.refresh_from_db()
    assert intro.state == Introduction.State.DECLINED
    assert intro.response_of(chen) == Introduction.Response.DECLINED

    other_page = new_page()
    _log_in(other_page, dara.user)
    expect(other_page).to_have_url(re.compile(r"/dashboard/$"))
    other_section = other_page.locator("#dashboard-introductions")
    other_card = other_section.locator(f"#intro-{intro.pk}")
    expect(other_section).to_contain_text("Someone we think you should meet")
    expect(other_card).to_contain_text("Chen Wei")
    expect(other_card.get_by_role("button", name="Accept")).to_be_visible()
    expect(other_section).not_to_contain_text("passed")
    expect(other_section).not_to_contain_text("did not happen")


def test_declining_from_the_email_keeps_a_private_reason(new_page, mail_dir):
    chen = _member("Chen Wei", "chen@example.org", "psychiatry", "America/New_York")
    dara = _member("Dara Fox", "dara@example.org", "surgery", "America/Chicago")
    intro = offer_as_a_round_would(chen, dara, EXPLANATION)
    deliver_pending()

    page = new_page()
    page.goto(_link(_mail_to(mail_dir, dara, "meet Chen Wei"), "Not now"))
    expect(page.get_by_role("heading", name="Not now?")).to_be_visible()
    intro.refresh_from_db()
    assert intro.state == Introduction.State.OFFERED
    page.get_by_label("If you like, tell us why").select_option(label="Not my field")
    page.get_by_role("button", name="Not now").click()

    expect(page.locator("main")).to_contain_text("Nobody will be told who said no.")
    intro.refresh_from_db()
    assert intro.state == Introduction.State.DECLINED
    side = intro.side_of(dara)
    assert getattr(intro, f"{side}_decline_reason") == "not_my_field"


def _tampered(link: str) -> str:
    """The same link with one character of its signature changed."""
    head, last = link.rstrip("/")[:-1], link.rstrip("/")[-1]
    return f"{head}{'B' if last == 'A' else 'A'}/"


def test_a_forged_link_shows_a_friendly_page_and_changes_nothing(
    new_page, mail_dir, browser_errors
):
    chen = _member("Chen Wei", "chen@example.org", "psychiatry", "America/New_York")
    dara = _member("Dara Fox", "dara@example.org", "surgery", "America/Chicago")
    intro = offer_as_a_round_would(chen, dara, EXPLANATION)
    deliver_pending()
    accept = _link(_mail_to(mail_dir, chen, "meet Dara Fox"), "Accept")

    page = new_page()
    forged = _tampered(accept)
    response = page.goto(forged)

    assert response.status == 400
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(page.locator("[data-problem]")).to_have_attribute("data-problem", "forged")
    expect(page.get_by_role("link", name="Go to your dashboard")).to_be_visible()
    intro.refresh_from_db()
    assert intro.state == Introduction.State.OFFERED
    browser_errors.only_the_status_was_logged(forged, 400)


def test_a_reused_link_says_the_member_already_answered(
    new_page, mail_dir, browser_errors
):
    chen = _member("Chen Wei", "chen@example.org", "psychiatry", "America/New_York")
    dara = _member("Dara Fox", "dara@example.org", "surgery", "America/Chicago")
    intro = offer_as_a_round_would(chen, dara, EXPLANATION)
    deliver_pending()
    accept = _link(_mail_to(mail_dir, chen, "meet Dara Fox"), "Accept")
    page = new_page()
    page.goto(accept)
    page.get_by_role("button", name="Yes, introduce us").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    response = page.goto(accept)

    assert response.status == 409
    expect(page.get_by_role("heading", name="You already answered")).to_be_visible()
    intro.refresh_from_db()
    assert intro.state == Introduction.State.ACCEPTED_ONE
    browser_errors.only_the_status_was_logged(accept, 409)
