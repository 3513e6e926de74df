"""The staff insights page in Chromium: charts drawn without JavaScript, axe-clean."""

import random
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from insights.services import insights_rollup
from introductions.models import Feedback, Introduction
from matching.models import LeftOut, Round, RoundPair
from profiles.factories import (
    TEST_PASSWORD,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    SpecialtyFactory,
)
from tests.totp import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CHARTS = 8
PLACES = [
    ("US", "America/New_York"),
    ("US", "America/Chicago"),
    ("US", "America/Los_Angeles"),
    ("CA", "America/Toronto"),
    ("GB", "Europe/London"),
    ("IN", "Asia/Kolkata"),
]
ROLES = ["attending", "attending", "resident", "student", "fellow", "retired"]


def _history(rounds: int = 8, members: int = 40) -> None:
    """Weekly rounds whose intros fare better the higher their score."""
    rng = random.Random(13)
    specialties = [SpecialtyFactory(name=f"Specialty {n}") for n in range(6)]
    interests = [InterestFactory.create() for _ in range(3)]
    start = timezone.now() - timedelta(weeks=rounds + 1)
    people = []
    for n in range(members):
        country, tz = rng.choice(PLACES)
        profile = ProfileFactory.create(
            display_name=f"Member {n:02d}",
            role=rng.choice(ROLES),
            specialty=rng.choice(specialties),
            country=country,
            time_zone=tz,
            interests=interests,
            onboarded_at=start,
            created_at=start - timedelta(days=rng.randrange(0, 40)),
        )
        if rng.random() < 0.8:
            MemberGoalFactory(profile=profile)
        people.append(profile)
    for week in range(rounds):
        created = start + timedelta(weeks=week)
        round_ = Round.objects.create(
            trigger=Round.Trigger.BEAT,
            status=Round.Status.DONE,
            created_at=created,
            finished_at=created + timedelta(minutes=5),
            members_considered=members - rng.randrange(0, 6),
        )
        rng.shuffle(people)
        for a, b in zip(people[0:24:2], people[1:24:2], strict=True):
            a, b = sorted((a, b), key=lambda p: p.pk)
            score = rng.random()
            offered = created + timedelta(hours=1)
            fields = {"state": "expired", "offered_at": offered}
            if rng.random() < 0.2 + 0.6 * score:
                fields = {
                    "state": "connected",
                    "offered_at": offered,
                    "a_response": "accepted",
                    "b_response": "accepted",
                    "a_responded_at": offered + timedelta(hours=rng.randrange(1, 60)),
                    "b_responded_at": offered + timedelta(hours=rng.randrange(1, 90)),
                    "connected_at": offered + timedelta(hours=90),
                }
            elif rng.random() < 0.4:
                fields = {
                    "state": "declined",
                    "offered_at": offered,
                    "a_response": "declined",
                    "a_responded_at": offered + timedelta(hours=rng.randrange(1, 48)),
                }
            explanation = {
                "shared_interests": ["x"] if rng.random() < 0.7 else [],
                "goals": [{}] if rng.random() < 0.5 else [],
                "cross_specialty": a.specialty_id != b.specialty_id,
            }
            intro = Introduction.objects.create(
                member_a=a,
                member_b=b,
                score=score,
                explanation=explanation,
                created_at=created,
                **fields,
            )
            RoundPair.objects.create(
                round=round_,
                member_a=a,
                member_b=b,
                score=score,
                introduction=intro,
            )
            if intro.state == "connected" and rng.random() < 0.6:
                Feedback.objects.create(
                    intro=intro, member=a, met="yes", rating=rng.randrange(3, 6)
                )
        for member in people[24:26]:
            LeftOut.objects.create(
                round=round_,
                member=member,
                reason=rng.choice(["odd_one_out", "no_candidate", "capacity"]),
            )
    insights_rollup()


def _staff_user():
    user = ProfileFactory.create(
        display_name="Staff Member", onboarded_at=timezone.now()
    ).user
    user.is_staff = True
    user.save()
    # Dry runs and adoption on the learning page need this beyond staff status.
    user.user_permissions.add(Permission.objects.get(codename="change_weightversion"))
    # The page asks what the admin asks: an authenticator app.
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


@pytest.fixture
def staff():
    _history()
    return _staff_user()


def _log_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_code").fill(totp_code(user.totp_secret))
    page.locator("#id_code").press("Enter")
    # A goto before the code's answer lands cuts the sign-in short.
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_the_charts_are_drawn_without_javascript(new_page, staff):
    page = new_page(java_script_enabled=False)
    _log_in(page, staff)
    svgs = []
    page.on(
        "response",
        lambda r: (
            svgs.append((r.status, r.headers.get("content-type")))
            if "/insights/charts/" in r.url
            else None
        ),
    )
    page.goto("/insights/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    assert svgs == [(200, "image/svg+xml")] * CHARTS
    images = page.locator("img.chart")
    expect(images).to_have_count(CHARTS)
    for n in range(CHARTS):
        box = images.nth(n).bounding_box()
        assert box is not None
        assert box["height"] > 100


def test_the_page_passes_axe_and_is_what_the_readme_shows(
    new_page, staff, axe, screenshots
):
    page = new_page()
    _log_in(page, staff)
    page.goto("/insights/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Funnel per round")).to_be_visible()
    axe.check(page)
    # The README shows the top of the page: the rest is more of the same.
    page.screenshot(
        path=screenshots.directory / "insights.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": 1900},
        animations="disabled",
    )


def test_the_learning_section_passes_axe_and_offers_a_dry_run(new_page, axe):
    from matching.models import WeightVersion

    _history(rounds=2, members=12)
    # A connected intro, so its row reads 100.0 % both accepted: the first offered
    # one in no particular order was sometimes one nobody accepted.
    intro = (
        Introduction.objects.filter(connected_at__isnull=False).order_by("pk").first()
    )
    assert intro is not None
    Introduction.objects.filter(pk=intro.pk).update(
        component_interest=0.3,
        component_goal_units=4,
        component_cross_specialty=True,
        component_prefers_other=False,
        component_windows_overlap=True,
    )
    # The page shows the components as rolled up (an update() leaves updated_at,
    # which an incremental run goes by, as it was).
    insights_rollup(full=True)
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
            "rounds_train": [1, 4],
            "rounds_holdout": [5],
            "fitted": {"auc": 0.728, "calibration_error": 0.061},
            "current": {"auc": 0.649, "calibration_error": 0.054},
        },
    )
    user = _staff_user()

    # The page works without JavaScript...
    page = new_page(java_script_enabled=False)
    _log_in(page, user)
    page.goto("/insights/")
    page.get_by_role("link", name="Learning from outcomes").click()
    expect(
        page.get_by_role("heading", name="Learning from outcomes", level=1)
    ).to_be_visible()
    chart = page.locator("img.chart")
    expect(chart).to_have_count(1)
    assert chart.bounding_box()["height"] > 100
    expect(page.get_by_role("cell", name="100.0 %").first).to_be_visible()
    expect(page.get_by_text("0.728 fitted, 0.649 weights then in use")).to_be_visible()
    expect(
        page.get_by_role("button", name=f"Dry run v{version.pk} on the next round")
    ).to_be_visible()
    # ...but axe is a script: in a page without JavaScript Playwright's evaluate
    # never returns (this test hung there), so axe reads the page with it on, in
    # the same session (a second sign-in could not reuse the authenticator code).
    cookies = page.context.cookies()
    page = new_page()
    page.context.add_cookies(cookies)
    page.goto("/insights/learning/")
    page.wait_for_load_state("networkidle")
    axe.check(page)
