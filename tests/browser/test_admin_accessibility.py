"""axe-core finds no violation on the admin pages the staff use: the lists and
change pages of profiles, interests, introductions, rounds and reports, then the
list, a change page and the add page of every model the admin registers."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from introductions import moderation, services
from introductions.factories import IntroductionFactory
from introductions.models import (
    DeliveryEvent,
    Feedback,
    OutboxEmail,
    Report,
)
from matching.models import (
    AutoPause,
    LeftOut,
    Round,
    RoundBlock,
    RoundPair,
    WeightVersion,
)
from profiles.factories import (
    TEST_PASSWORD,
    GoalKindFactory,
    ProfileFactory,
    UserFactory,
)
from profiles.models import CallWindow, Interest, MemberGoal, SuppressedAddress
from tests.totp import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def staff_data():
    """One of everything the admin pages list, with every inline filled."""
    tags = list(
        Interest.objects.filter(
            slug__in=["medical-journalism", "epic-optimization", "global-health"]
        )
    )
    alice = ProfileFactory(
        display_name="Alice Admin-Test", interests=tags, onboarded_at=timezone.now()
    )
    bruno = ProfileFactory(
        display_name="Bruno Admin-Test", interests=tags, onboarded_at=timezone.now()
    )
    MemberGoal.objects.create(
        profile=alice, kind=GoalKindFactory(), direction="seek", interest=tags[0]
    )
    CallWindow.objects.create(profile=alice, weekday=1, start="09:00", end="11:00")
    intro = services.intro_offer(
        intro=IntroductionFactory(member_a=alice, member_b=bruno, score=0.5)
    )
    round_ = Round.objects.create(
        trigger=Round.Trigger.COMMAND,
        status=Round.Status.DONE,
        finished_at=timezone.now(),
    )
    RoundPair.objects.create(
        round=round_,
        member_a=intro.member_a,
        member_b=intro.member_b,
        score=0.5,
        introduction=intro,
    )
    LeftOut.objects.create(round=round_, member=alice, reason=LeftOut.Reason.CAPACITY)
    RoundBlock.objects.create(round=round_, block=0, start=0, stop=2)
    moderation.report_member(
        reporter=alice,
        reported=bruno,
        reason=Report.Reason.choices[0][0],
        details="Rude.",
        intro=intro,
    )
    return {
        "profile": alice,
        "interest": tags[0],
        "intro": intro,
        "round": round_,
        "report": Report.objects.get(),
    }


def _log_in_to_admin(page):
    """Through allauth's login and a code from the staff member's authenticator."""
    user = UserFactory(is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.locator("#id_code").fill(totp_code(user.totp_secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_url("**/admin/")


def test_the_admin_pages_staff_use_have_no_axe_violation(new_page, axe, staff_data):
    page = new_page()
    _log_in_to_admin(page)
    pages = ["/admin/"]
    for path, key in [
        ("profiles/profile", "profile"),
        ("profiles/interest", "interest"),
        ("introductions/introduction", "intro"),
        ("matching/round", "round"),
        ("introductions/report", "report"),
    ]:
        pages += [f"/admin/{path}/", f"/admin/{path}/{staff_data[key].pk}/change/"]
    failures = []
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        try:
            axe.check(page)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)


@pytest.fixture
def every_kind_of_row(staff_data):
    """A row for every model the admin lists that staff_data leaves empty."""
    alice, intro = staff_data["profile"], staff_data["intro"]
    bruno = intro.member_b if intro.member_a == alice else intro.member_a
    Feedback.objects.create(intro=intro, member=alice, met=Feedback.Met.YES, rating=4)
    email = OutboxEmail.objects.filter(intro=intro).first()
    DeliveryEvent.objects.create(
        outbox=email,
        event_type="Bounce",
        recipient=email.to_email,
        description="The mailbox does not exist.",
    )
    SuppressedAddress.objects.create(
        email="gone@example.org",
        reason=SuppressedAddress.Reason.HARD_BOUNCE,
        detail="The mailbox does not exist.",
    )
    moderation.member_warn(
        member=bruno, admin=UserFactory(is_staff=True), note="Be kind."
    )
    moderation.block_member(blocker=alice, blocked=bruno)
    AutoPause.objects.create(profile=alice, round=staff_data["round"])
    version = WeightVersion.objects.create(
        weights={
            "interest": 0.2,
            "goal": 1.0,
            "cross_specialty": 0.0,
            "cross_specialty_preferred": 0.23,
        },
        target="accepted",
        holdout={
            "train": 1600,
            "holdout": 400,
            "fitted": {"auc": 0.728, "calibration_error": 0.061},
            "current": {"auc": 0.649, "calibration_error": 0.054},
        },
        dry_run={"pairs_candidate": 10, "new": 3, "members": 20},
    )
    Round.objects.filter(pk=staff_data["round"].pk).update(weights_version=version)
    return staff_data


def test_every_admin_list_change_and_add_page_has_no_axe_violation(
    new_page, axe, every_kind_of_row
):
    """Every model the admin registers: its list, a row's change, history and delete
    pages, its add page."""
    page = new_page()
    _log_in_to_admin(page)
    failures, visited = [], []
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        urls = [changelist]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change",
                    args=[first.pk],
                )
            )
        page.goto(changelist)
        if page.locator("a.addlink").count():
            urls.append(page.locator("a.addlink").first.get_attribute("href"))
        if first is not None:
            # The change page's own links: the row's history and its delete page.
            page.goto(urls[1])
            for link in page.locator("a.historylink, a.deletelink").all():
                urls.append(link.get_attribute("href"))
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            visited.append(url)
            try:
                axe.check(page)
            except AssertionError as exc:
                failures.append(str(exc))
    for shown in [
        "introductions/outboxemail",
        "introductions/feedback",
        "introductions/moderationaction",
        "profiles/specialty",
        "profiles/goalkind",
        "profiles/suppressedaddress",
        "profiles/block",
        "matching/autopause",
    ]:
        assert any(
            url.startswith(f"/admin/{shown}/") and url.endswith("/change/")
            for url in visited
        ), shown
    assert any(url.endswith("/history/") for url in visited)
    assert any(url.endswith("/delete/") for url in visited)
    assert not failures, "\n".join(failures)


def test_the_merge_tags_page_has_no_axe_violation(new_page, axe, staff_data):
    page = new_page()
    _log_in_to_admin(page)
    page.goto("/admin/profiles/interest/")
    page.locator(
        f"input[name=_selected_action][value='{staff_data['interest'].pk}']"
    ).check()
    page.locator("select[name=action]").select_option("merge")
    page.locator("button[name=index]").click()
    expect(page.get_by_role("heading", name="Merge tags")).to_be_visible()
    axe.check(page)
