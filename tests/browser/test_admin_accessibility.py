"""axe-core finds no violation on the admin pages the staff use: the lists and
change pages of profiles, interests, introductions, rounds and reports."""

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from introductions import moderation, services
from introductions.models import Introduction, Report
from matching.models import LeftOut, Round, RoundBlock, RoundPair
from profiles.factories import (
    TEST_PASSWORD,
    GoalKindFactory,
    ProfileFactory,
    UserFactory,
)
from profiles.models import CallWindow, Interest, MemberGoal

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
    a, b = sorted((alice, bruno), key=lambda p: p.pk)
    intro = services.intro_offer(
        intro=Introduction.objects.create(
            member_a=a, member_b=b, score=0.5, explanation={}
        )
    )
    round_ = Round.objects.create(
        trigger=Round.Trigger.COMMAND,
        status=Round.Status.DONE,
        finished_at=timezone.now(),
    )
    RoundPair.objects.create(
        round=round_, member_a=a, member_b=b, score=0.5, introduction=intro
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
    counter = next(iter(yield_hotp_counters_from_time()))
    page.locator("#id_code").fill(
        format_hotp_value(hotp_value(user.totp_secret, counter))
    )
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
