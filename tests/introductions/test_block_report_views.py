import pytest
from django.urls import reverse
from django.utils import timezone

from introductions import moderation, services
from introductions.models import Introduction, ModerationAction, OutboxEmail, Report
from profiles.factories import TEST_PASSWORD, ProfileFactory
from profiles.models import Block

HTMX = {"HX-Request": "true"}


@pytest.fixture
def viewer(db):
    return ProfileFactory(display_name="Vera Viewer", onboarded_at=timezone.now())


@pytest.fixture
def other(db):
    return ProfileFactory(display_name="Oscar Other", onboarded_at=timezone.now())


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer.user)
    return client


def url(name, member):
    return reverse(name, args=[member.pk])


# --- Who may do what ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("member_block", "get"),
        ("member_block", "post"),
        ("member_unblock", "post"),
        ("member_report", "get"),
        ("member_report", "post"),
        ("member_report_done", "get"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, other, name, method):
    response = getattr(client, method)(url(name, other))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Block.objects.exists()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("member_unblock", "get"),
        ("member_block", "put"),
        ("member_block", "delete"),
        ("member_report", "put"),
        ("member_report_done", "post"),
    ],
)
def test_a_wrong_method_is_refused(viewer_client, other, name, method):
    response = getattr(viewer_client, method)(url(name, other))

    assert response.status_code == 405
    assert not Block.objects.exists()


@pytest.mark.parametrize("name", ["member_block", "member_report"])
def test_a_member_gets_a_friendly_page_when_acting_on_themself(
    viewer_client, viewer, name
):
    for method in ("get", "post"):
        response = getattr(viewer_client, method)(url(name, viewer), {"reason": "spam"})
        assert response.status_code == 400
        assert "yourself" in response.text
    assert not Block.objects.exists()
    assert not Report.objects.exists()


@pytest.mark.parametrize("name", ["member_block", "member_report"])
def test_an_unknown_or_suspended_member_is_not_found(viewer_client, other, name):
    assert viewer_client.get(reverse(name, args=[other.pk + 1000])).status_code == 404
    other.user.is_active = False
    other.user.save(update_fields=["is_active"])

    assert viewer_client.get(url(name, other)).status_code == 404
    assert viewer_client.post(url(name, other), {"reason": "spam"}).status_code == 404


@pytest.mark.parametrize("name", ["member_block", "member_report"])
def test_a_profile_shown_to_connections_only_is_not_named_to_strangers(
    viewer_client, viewer, other, name
):
    other.profile_visibility = "connections"
    other.save(update_fields=["profile_visibility"])

    response = viewer_client.get(url(name, other))
    assert response.status_code == 404
    assert "Oscar Other" not in response.text

    # An introduction already named them: the viewer can still block or report.
    services.intro_request(requester=other, other=viewer, note="Hello")
    response = viewer_client.get(url(name, other))
    assert response.status_code == 200
    assert "Oscar Other" in response.text


def test_a_member_without_a_profile_is_not_found(client, other, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.org")
    client.force_login(staff)

    assert client.post(url("member_block", other)).status_code == 404
    assert client.post(url("member_unblock", other)).status_code == 404


# --- Blocking -------------------------------------------------------------------


def test_a_profile_page_offers_block_and_report_but_not_on_ones_own(
    viewer_client, viewer, other
):
    page = viewer_client.get(other.get_absolute_url()).text
    own = viewer_client.get(viewer.get_absolute_url()).text

    assert url("member_block", other) in page
    assert url("member_report", other) in page
    assert "safety-actions" not in own


def test_blocking_without_javascript_confirms_first(viewer_client, viewer, other):
    confirm = viewer_client.get(url("member_block", other))

    assert confirm.status_code == 200
    assert "Block Oscar Other?" in confirm.text
    assert not Block.objects.exists()

    response = viewer_client.post(url("member_block", other))

    assert response.status_code == 302
    assert response.url == other.get_absolute_url()
    assert Block.objects.filter(blocker=viewer, blocked=other).exists()
    again = viewer_client.get(url("member_block", other))
    assert "Unblock Oscar Other" in again.text


def test_blocking_with_htmx_swaps_in_the_unblock_button(viewer_client, viewer, other):
    response = viewer_client.post(url("member_block", other), headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Unblock" in response.text
    assert url("member_unblock", other) in response.text
    assert Block.objects.filter(blocker=viewer, blocked=other).exists()


def test_blocking_withdraws_the_open_intro_and_tells_the_other_nothing(
    viewer_client, viewer, other
):
    intro = services.intro_request(requester=other, other=viewer, note="Hello")
    emails_before = OutboxEmail.objects.count()

    viewer_client.post(url("member_block", other))

    intro.refresh_from_db()
    assert intro.state == Introduction.State.WITHDRAWN
    assert OutboxEmail.objects.count() == emails_before
    assert not OutboxEmail.objects.filter(recipient=other, status="pending").exists()


def test_unblocking_removes_the_block(viewer_client, viewer, other):
    Block.objects.create(blocker=viewer, blocked=other)

    response = viewer_client.post(url("member_unblock", other), headers=HTMX)

    assert response.status_code == 200
    assert url("member_block", other) in response.text
    assert not Block.objects.exists()


def test_a_member_cannot_lift_a_block_someone_else_made(viewer_client, viewer, other):
    Block.objects.create(blocker=other, blocked=viewer)

    viewer_client.post(url("member_unblock", other))

    assert Block.objects.filter(blocker=other, blocked=viewer).exists()


def test_a_blocked_member_asking_for_an_intro_gets_the_neutral_refusal(
    viewer_client, viewer, other
):
    moderation.block_member(blocker=other, blocked=viewer)

    response = viewer_client.post(url("intro_request", other), {"note": "Hello"})

    assert response.status_code == 409
    assert "at the moment" in response.text
    assert "block" not in response.text.split("<main", 1)[1].lower()
    assert not Introduction.objects.exists()


# --- Reporting ------------------------------------------------------------------


def test_a_report_reaches_the_queue_and_the_reporter_is_thanked(
    viewer_client, viewer, other
):
    form = viewer_client.get(url("member_report", other))
    assert form.status_code == 200
    assert "Spam or solicitation" in form.text

    response = viewer_client.post(
        url("member_report", other),
        {"reason": "harassment", "details": "  Rude <b>notes</b>.  "},
    )

    assert response.status_code == 302
    assert response.url == url("member_report_done", other)
    report = Report.objects.get()
    assert (report.reporter, report.reported, report.reason) == (
        viewer,
        other,
        "harassment",
    )
    assert report.details == "Rude <b>notes</b>."
    assert report.status == Report.Status.OPEN
    thanks = viewer_client.get(response.url)
    assert "Thank you" in thanks.text
    assert not OutboxEmail.objects.filter(recipient=other).exists()


def test_a_report_with_htmx_swaps_in_the_thanks(viewer_client, other):
    response = viewer_client.post(
        url("member_report", other), {"reason": "spam"}, headers=HTMX
    )

    assert response.status_code == 200
    assert 'id="report-thanks"' in response.text
    assert "<html" not in response.text
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "nonsense"},
        {"details": "No reason given"},
        {"reason": "spam", "details": "x" * (Report.DETAILS_MAX_LENGTH + 1)},
    ],
)
def test_a_bad_report_keeps_the_form_with_its_error(viewer_client, other, data):
    response = viewer_client.post(url("member_report", other), data)

    assert response.status_code == 400
    assert 'class="errors"' in response.text
    assert not Report.objects.exists()


def test_a_report_from_an_intro_is_tied_to_it_but_not_to_someone_elses(
    viewer_client, viewer, other
):
    theirs = services.intro_request(requester=other, other=viewer, note="Buy now")
    strangers = services.intro_request(
        requester=ProfileFactory(), other=other, note="Hi"
    )

    form = viewer_client.get(url("member_report", other), {"intro": theirs.pk})
    assert f'value="{theirs.pk}"' in form.text
    viewer_client.post(
        url("member_report", other), {"reason": "spam", "intro": theirs.pk}
    )
    viewer_client.post(
        url("member_report", other), {"reason": "spam", "intro": strangers.pk}
    )

    assert [r.intro_id for r in Report.objects.order_by("pk")] == [theirs.pk, None]


def test_reports_are_rate_limited_per_member(viewer_client, other, settings):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "report": "2/h"}
    for _ in range(2):
        response = viewer_client.post(url("member_report", other), {"reason": "spam"})
        assert response.status_code == 302

    response = viewer_client.post(url("member_report", other), {"reason": "spam"})
    htmx = viewer_client.post(
        url("member_report", other), {"reason": "spam"}, headers=HTMX
    )

    assert response.status_code == 429
    assert "many reports" in response.text
    assert htmx.status_code == 429
    assert htmx.headers["HX-Retarget"] == "#messages"
    assert "<html" not in htmx.text
    assert Report.objects.count() == 2


# --- The admin queue ----------------------------------------------------------------


@pytest.fixture
def reports(viewer, other):
    first = moderation.report_member(reporter=viewer, reported=other, reason="spam")
    second = moderation.report_member(
        reporter=ProfileFactory(), reported=other, reason="harassment"
    )
    return first, second


def changelist():
    return reverse("admin:introductions_report_changelist")


def act(admin_client, action, reports):
    return admin_client.post(
        changelist(),
        {"action": action, "_selected_action": [r.pk for r in reports]},
        follow=True,
    )


def test_the_queue_lists_open_reports_first_with_what_they_concern(
    admin_client, reports, admin_user, viewer, other
):
    handled = moderation.report_member(
        reporter=other, reported=viewer, reason="impersonation"
    )
    moderation.report_dismiss(report=handled, admin=admin_user)
    details = moderation.report_member(
        reporter=viewer,
        reported=ProfileFactory(),
        reason="other",
        details="<script>alert(1)</script>",
    )

    response = admin_client.get(changelist())

    assert response.status_code == 200
    listed = [r.pk for r in response.context["cl"].result_list]
    assert listed == [reports[0].pk, reports[1].pk, details.pk, handled.pk]
    assert "Spam or solicitation" in response.text
    assert other.get_absolute_url() in response.text
    detail = admin_client.get(
        reverse("admin:introductions_report_change", args=[details.pk])
    )
    assert "<script>alert(1)" not in detail.text
    assert "&lt;script&gt;" in detail.text


def test_the_dismiss_action_closes_the_reports_and_logs_them(
    admin_client, admin_user, reports
):
    response = act(admin_client, "dismiss", reports)

    assert response.status_code == 200
    assert {r.status for r in Report.objects.all()} == {"dismissed"}
    assert ModerationAction.objects.filter(action="dismiss", admin=admin_user).count()
    assert ModerationAction.objects.count() == 2


def test_the_warn_action_emails_a_member_once_for_several_reports(
    admin_client, admin_user, reports, other
):
    act(admin_client, "warn", reports)
    act(admin_client, "warn", reports)

    assert OutboxEmail.objects.filter(recipient=other, kind="warning").count() == 1
    action = ModerationAction.objects.get()
    assert (action.action, action.admin, action.member) == ("warn", admin_user, other)
    assert {r.status for r in Report.objects.all()} == {"actioned"}


def test_the_suspend_and_reinstate_actions(admin_client, admin_user, reports, other):
    intro = services.intro_request(requester=other, other=ProfileFactory(), note="Hi")

    act(admin_client, "suspend", reports)

    other.user.refresh_from_db()
    intro.refresh_from_db()
    assert other.user.is_active is False
    assert intro.state == Introduction.State.WITHDRAWN

    act(admin_client, "reinstate", reports[:1])

    other.user.refresh_from_db()
    assert other.user.is_active is True
    assert list(
        ModerationAction.objects.order_by("pk").values_list("action", "admin")
    ) == [("suspend", admin_user.pk), ("reinstate", admin_user.pk)]


def test_the_moderation_log_is_read_only_in_the_admin(admin_client, admin_user, other):
    action = moderation.member_warn(member=other, admin=admin_user)

    assert (
        admin_client.get(
            reverse("admin:introductions_moderationaction_changelist")
        ).status_code
        == 200
    )
    assert (
        admin_client.get(
            reverse("admin:introductions_moderationaction_add")
        ).status_code
        == 403
    )
    admin_client.post(
        reverse("admin:introductions_moderationaction_change", args=[action.pk]),
        {"action": "suspend", "note": "rewritten"},
    )
    admin_client.post(
        reverse("admin:introductions_moderationaction_delete", args=[action.pk]),
        {"post": "yes"},
    )
    action.refresh_from_db()
    assert (action.action, action.note) == ("warn", "")


# --- What a suspension means for the member -------------------------------------


def test_a_suspended_member_cannot_log_in_and_leaves_the_directory(
    client, viewer, other, admin_user
):
    client.force_login(viewer.user)
    assert "Oscar Other" in client.get(reverse("directory")).text

    moderation.member_suspend(member=other, admin=admin_user)

    assert "Oscar Other" not in client.get(reverse("directory")).text
    assert client.get(other.get_absolute_url()).status_code == 404
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": other.user.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_suspended_members_open_session_stops_working(client, other, admin_user):
    client.force_login(other.user)
    assert client.get(reverse("dashboard")).status_code == 200

    moderation.member_suspend(member=other, admin=admin_user)

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
