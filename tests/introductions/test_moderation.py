import pytest
from django.core import mail
from django.utils import timezone

from introductions import moderation, outbox, services
from introductions.models import Introduction, ModerationAction, OutboxEmail, Report
from profiles.factories import ProfileFactory, UserFactory
from profiles.models import Block


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True, email="admin@example.org")


@pytest.fixture
def report(offered):
    """Alice reports Bruno about the intro they were offered."""
    alice, bruno = sorted(offered.members(), key=lambda p: p.display_name)
    return moderation.report_member(
        reporter=alice,
        reported=bruno,
        reason=Report.Reason.SPAM,
        details="He tried to sell me a course.",
        intro=offered,
    )


def pending_emails(intro):
    return OutboxEmail.objects.filter(intro=intro, status=OutboxEmail.Status.PENDING)


# --- Blocking ---------------------------------------------------------------------


@pytest.mark.parametrize("accepted_first", [False, True])
def test_a_block_withdraws_the_open_intro_between_them_silently(
    offered, accepted_first
):
    a, b = offered.members()
    if accepted_first:
        services.intro_accept(intro=offered, member=a)
    emails_before = OutboxEmail.objects.count()

    moderation.block_member(blocker=b, blocked=a)

    offered.refresh_from_db()
    assert offered.state == Introduction.State.WITHDRAWN
    assert Block.objects.filter(blocker=b, blocked=a).exists()
    # The offers not yet sent are cancelled, and nothing new is written.
    assert not pending_emails(offered).exists()
    assert OutboxEmail.objects.count() == emails_before


def test_a_block_withdraws_a_proposed_intro_too(make_intro):
    intro = make_intro()

    moderation.block_member(blocker=intro.member_a, blocked=intro.member_b)

    intro.refresh_from_db()
    assert intro.state == Introduction.State.WITHDRAWN


def test_a_block_leaves_other_members_intros_and_past_intros_alone(offered):
    a, b = offered.members()
    services.intro_accept(intro=offered, member=a)
    connected = services.intro_accept(intro=offered, member=b)
    third = ProfileFactory()
    other_pair = services.intro_request(requester=a, other=third, note="Hello")

    moderation.block_member(blocker=a, blocked=b)

    connected.refresh_from_db()
    other_pair.refresh_from_db()
    assert connected.state == Introduction.State.CONNECTED
    assert other_pair.state == Introduction.State.ACCEPTED_ONE


def test_blocking_twice_keeps_one_block(offered):
    a, b = offered.members()
    moderation.block_member(blocker=a, blocked=b)
    moderation.block_member(blocker=a, blocked=b)

    assert Block.objects.filter(blocker=a, blocked=b).count() == 1


def test_a_member_cannot_block_themself(db):
    member = ProfileFactory()

    with pytest.raises(moderation.ModerationError, match="yourself"):
        moderation.block_member(blocker=member, blocked=member)
    assert not Block.objects.exists()


def test_the_blocked_member_cannot_ask_the_blocker_for_an_intro(db):
    blocker, blocked = ProfileFactory(), ProfileFactory()
    moderation.block_member(blocker=blocker, blocked=blocked)

    with pytest.raises(services.IntroRequestRefused) as refused:
        services.intro_request(requester=blocked, other=blocker, note="Hi")
    assert "block" not in str(refused.value).lower()


def test_unblocking_lifts_the_block_but_not_the_withdrawal(offered):
    a, b = offered.members()
    moderation.block_member(blocker=a, blocked=b)

    assert moderation.unblock_member(blocker=a, blocked=b) is True
    assert moderation.unblock_member(blocker=a, blocked=b) is False
    offered.refresh_from_db()
    assert not Block.objects.exists()
    assert offered.state == Introduction.State.WITHDRAWN


def test_only_the_blocker_can_lift_a_block(db):
    blocker, blocked = ProfileFactory(), ProfileFactory()
    moderation.block_member(blocker=blocker, blocked=blocked)

    assert moderation.unblock_member(blocker=blocked, blocked=blocker) is False
    assert Block.objects.filter(blocker=blocker, blocked=blocked).exists()


# --- Reporting --------------------------------------------------------------------


def test_a_report_lands_open_in_the_queue(report, offered):
    assert report.status == Report.Status.OPEN
    assert report.intro == offered
    assert report.reason == "spam"
    assert report.handled_by is None
    # The reported member hears nothing.
    assert not OutboxEmail.objects.filter(kind=OutboxEmail.Kind.WARNING).exists()


def test_a_member_cannot_report_themself(db):
    member = ProfileFactory()

    with pytest.raises(moderation.ModerationError):
        moderation.report_member(reporter=member, reported=member, reason="spam")


@pytest.mark.parametrize(
    ("reason", "details"),
    [("rude", ""), ("spam", "x" * (Report.DETAILS_MAX_LENGTH + 1))],
)
def test_a_report_with_an_unknown_reason_or_too_long_details_is_refused(
    db, reason, details
):
    with pytest.raises(ValueError, match=r"reason|characters"):
        moderation.report_member(
            reporter=ProfileFactory(),
            reported=ProfileFactory(),
            reason=reason,
            details=details,
        )
    assert not Report.objects.exists()


def test_a_report_cannot_point_at_someone_elses_intro(offered):
    stranger = ProfileFactory()

    with pytest.raises(moderation.ModerationError):
        moderation.report_member(
            reporter=stranger,
            reported=offered.member_a,
            reason="harassment",
            intro=offered,
        )


# --- Admin decisions ---------------------------------------------------------------


def test_dismissing_closes_the_report_and_logs_who_and_when(report, admin_user):
    action = moderation.report_dismiss(report=report, admin=admin_user, note="Spam?")

    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    assert report.handled_by == admin_user
    assert report.handled_at == action.created_at
    assert action.action == ModerationAction.Action.DISMISS
    assert (action.admin, action.member, action.report) == (
        admin_user,
        report.reported,
        report,
    )
    assert report.reported.user.is_active


def test_a_report_is_handled_once(report, admin_user):
    moderation.report_dismiss(report=report, admin=admin_user)

    with pytest.raises(moderation.ReportAlreadyHandled):
        moderation.report_dismiss(report=report, admin=admin_user)
    with pytest.raises(moderation.ReportAlreadyHandled):
        moderation.member_warn(
            member=report.reported, admin=admin_user, reports=[report]
        )
    assert ModerationAction.objects.count() == 1
    assert not OutboxEmail.objects.filter(kind=OutboxEmail.Kind.WARNING).exists()


def test_a_warning_is_emailed_through_the_outbox_without_naming_the_reporter(
    report, admin_user
):
    reported = report.reported

    action = moderation.member_warn(member=reported, admin=admin_user, reports=[report])

    warning = OutboxEmail.objects.get(kind=OutboxEmail.Kind.WARNING)
    assert warning.recipient == reported
    assert warning.intro is None
    assert warning.to_email == reported.user.email
    assert "spam or solicitation" in warning.text_body
    assert report.reporter.name not in warning.text_body + warning.html_body
    assert report.details not in warning.text_body + warning.html_body
    assert action.action == ModerationAction.Action.WARN
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED
    assert reported.user.is_active

    assert outbox.outbox_send(outbox_id=warning.pk) is True
    assert mail.outbox[0].to == [reported.user.email]
    assert mail.outbox[0].subject.endswith("A note about how you use Grapevyne")


def test_a_second_warning_is_a_second_email(admin_user, db):
    member = ProfileFactory()

    moderation.member_warn(member=member, admin=admin_user)
    moderation.member_warn(member=member, admin=admin_user)

    assert OutboxEmail.objects.filter(recipient=member, kind="warning").count() == 2
    assert ModerationAction.objects.filter(member=member, action="warn").count() == 2


def test_a_warning_for_reports_about_someone_else_is_refused(report, admin_user):
    with pytest.raises(ValueError, match="about member"):
        moderation.member_warn(
            member=report.reporter, admin=admin_user, reports=[report]
        )


def test_suspending_deactivates_the_login_and_withdraws_every_open_intro(
    report, offered, admin_user
):
    bruno = report.reported
    elsewhere = services.intro_request(
        requester=ProfileFactory(), other=bruno, note="Hi"
    )
    earlier = Introduction.objects.create(
        member_a=offered.member_a,
        member_b=offered.member_b,
        state=Introduction.State.CONNECTED,
        connected_at=timezone.now(),
    )

    action = moderation.member_suspend(member=bruno, admin=admin_user, reports=[report])

    bruno.user.refresh_from_db()
    assert bruno.user.is_active is False
    for intro in (offered, elsewhere):
        intro.refresh_from_db()
        assert intro.state == Introduction.State.WITHDRAWN
    earlier.refresh_from_db()
    assert earlier.state == Introduction.State.CONNECTED
    assert not OutboxEmail.objects.filter(
        recipient=bruno, status=OutboxEmail.Status.PENDING
    ).exists()
    assert action.action == ModerationAction.Action.SUSPEND
    assert action.report == report
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (Report.Status.ACTIONED, admin_user)


def test_reinstating_lets_the_member_back_in_and_is_logged(report, admin_user):
    bruno = report.reported
    moderation.member_suspend(member=bruno, admin=admin_user, reports=[report])

    moderation.member_reinstate(member=bruno, admin=admin_user, report=report)

    bruno.user.refresh_from_db()
    assert bruno.user.is_active is True
    assert list(
        ModerationAction.objects.filter(member=bruno)
        .order_by("pk")
        .values_list("action", "admin", "report")
    ) == [
        ("suspend", admin_user.pk, report.pk),
        ("reinstate", admin_user.pk, report.pk),
    ]


def test_the_moderation_log_cannot_be_rewritten(admin_user, db):
    action = moderation.member_warn(member=ProfileFactory(), admin=admin_user)
    action.note = "Never happened"

    with pytest.raises(ValueError, match="append-only"):
        action.save()
    action.refresh_from_db()
    assert action.note == ""
