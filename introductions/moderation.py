"""Trust and safety: members block and report; admins dismiss, warn, suspend, reinstate.

A block or a suspension withdraws the open introductions it concerns through the
ordinary withdraw transition, which cancels unsent emails and tells nobody why: the
other side must not be able to tell a block from a pause. Every admin decision is
written to the append-only ModerationAction log in the same transaction.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from profiles import services as profile_services
from profiles.models import Block, Profile, User

from . import emails, outbox, services
from .models import Introduction, ModerationAction, OutboxEmail, Report


class ModerationError(Exception):
    """The member may not do this; the message is safe to show them."""


class ReportAlreadyHandled(Exception):
    """Every report given was handled already, perhaps by another admin."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- Members ------------------------------------------------------------------


@transaction.atomic
def block_member(
    *, blocker: Profile, blocked: Profile, now: datetime | None = None
) -> Block:
    """No more introductions between the two, either way; open ones are withdrawn.

    Blocking twice is harmless. The blocked member is told nothing.
    """
    now = _now(now)
    try:
        block = profile_services.block_create(blocker=blocker, blocked=blocked, now=now)
    except profile_services.SelfBlock as exc:
        raise ModerationError(str(exc)) from exc
    services.intros_withdraw_open(intros=Introduction.pair(blocker, blocked), now=now)
    return block


@transaction.atomic
def unblock_member(*, blocker: Profile, blocked: Profile) -> bool:
    """Lift a block; True when there was one. Withdrawn intros stay withdrawn."""
    return profile_services.block_remove(blocker=blocker, blocked=blocked)


@transaction.atomic
def report_member(
    *,
    reporter: Profile,
    reported: Profile,
    reason: str,
    details: str = "",
    intro: Introduction | None = None,
    now: datetime | None = None,
) -> Report:
    """Put a member's concern about another in the admin queue."""
    if reporter.pk == reported.pk:
        raise ModerationError("You cannot report yourself.")
    if reason not in Report.Reason.values:
        raise ValueError(f"Unknown report reason {reason!r}")
    details = details.strip()
    if len(details) > Report.DETAILS_MAX_LENGTH:
        raise ValueError(f"Details are at most {Report.DETAILS_MAX_LENGTH} characters")
    if intro is not None and {intro.member_a_id, intro.member_b_id} != {
        reporter.pk,
        reported.pk,
    }:
        raise ModerationError("That introduction is not between the two of you.")
    return Report.objects.create(
        reporter=reporter,
        reported=reported,
        intro=intro,
        reason=reason,
        details=details,
        created_at=_now(now),
    )


# --- Admins -------------------------------------------------------------------


def _take_open(reports: Sequence[Report]) -> list[Report]:
    """Lock the given reports and keep the open ones.

    Raises ReportAlreadyHandled when reports were given but none is open, so that
    two admins clicking at once warn a member once, not twice.
    """
    if not reports:
        return []
    taken = list(
        Report.objects.select_for_update()
        .filter(pk__in=[r.pk for r in reports], status=Report.Status.OPEN)
        .order_by("pk")
    )
    if not taken:
        raise ReportAlreadyHandled("These reports were handled already.")
    return taken


def _close(
    reports: Sequence[Report], *, status: str, admin: User, now: datetime
) -> None:
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=status, handled_by=admin, handled_at=now
    )
    for report in reports:
        report.status, report.handled_by, report.handled_at = status, admin, now


def _log(
    *,
    action: str,
    admin: User,
    member: Profile,
    reports: Sequence[Report],
    note: str,
    now: datetime,
) -> ModerationAction:
    # One row per decision; it names the first report, the others carry the same
    # handled_by and handled_at.
    return ModerationAction.objects.create(
        action=action,
        admin=admin,
        member=member,
        report=reports[0] if reports else None,
        note=note,
        created_at=now,
    )


def _check_reports_about(member: Profile, reports: Sequence[Report]) -> None:
    if any(r.reported_id != member.pk for r in reports):
        raise ValueError(f"Not every report is about member {member.pk}")


@transaction.atomic
def report_dismiss(
    *,
    report: Report,
    admin: User,
    note: str = "",
    now: datetime | None = None,
) -> ModerationAction:
    """Close a report without acting on the member, who is told nothing."""
    now = _now(now)
    (report,) = _take_open([report])
    _close([report], status=Report.Status.DISMISSED, admin=admin, now=now)
    return _log(
        action=ModerationAction.Action.DISMISS,
        admin=admin,
        member=report.reported,
        reports=[report],
        note=note,
        now=now,
    )


@transaction.atomic
def member_warn(
    *,
    member: Profile,
    admin: User,
    reports: Sequence[Report] = (),
    note: str = "",
    now: datetime | None = None,
) -> ModerationAction:
    """Email the member a firm, kind warning (never saying who reported them)."""
    now = _now(now)
    _check_reports_about(member, reports)
    reports = _take_open(reports)
    _close(reports, status=Report.Status.ACTIONED, admin=admin, now=now)
    action = _log(
        action=ModerationAction.Action.WARN,
        admin=admin,
        member=member,
        reports=reports,
        note=note,
        now=now,
    )
    # Each warning is its own event, so a second warning is a second email.
    outbox.outbox_enqueue(
        kind=OutboxEmail.Kind.WARNING,
        event_key=f"warning:action-{action.pk}",
        rendered=emails.render_warning(
            member, sorted({r.get_reason_display() for r in reports})
        ),
        recipient=member,
        now=now,
    )
    return action


@transaction.atomic
def member_suspend(
    *,
    member: Profile,
    admin: User,
    reports: Sequence[Report] = (),
    note: str = "",
    now: datetime | None = None,
) -> ModerationAction:
    """Log the member out for good, hide them, and withdraw their open intros.

    An inactive user cannot log in (allauth and Django's backends refuse them, and
    an existing session stops working at the next request); the directory, profile
    pages and the matching engine only consider active users.
    """
    now = _now(now)
    _check_reports_about(member, reports)
    reports = _take_open(reports)
    type(member.user).objects.filter(pk=member.user_id).update(is_active=False)
    member.user.is_active = False
    services.intros_withdraw_open(
        intros=Q(member_a=member) | Q(member_b=member), now=now
    )
    # Whatever was still queued for them (a follow-up, a warning) is moot now.
    OutboxEmail.objects.filter(
        recipient=member, status=OutboxEmail.Status.PENDING
    ).update(status=OutboxEmail.Status.CANCELLED)
    _close(reports, status=Report.Status.ACTIONED, admin=admin, now=now)
    return _log(
        action=ModerationAction.Action.SUSPEND,
        admin=admin,
        member=member,
        reports=reports,
        note=note,
        now=now,
    )


@transaction.atomic
def member_reinstate(
    *,
    member: Profile,
    admin: User,
    report: Report | None = None,
    note: str = "",
    now: datetime | None = None,
) -> ModerationAction:
    """Let a suspended member log in again; withdrawn intros stay withdrawn."""
    now = _now(now)
    type(member.user).objects.filter(pk=member.user_id).update(is_active=True)
    member.user.is_active = True
    return _log(
        action=ModerationAction.Action.REINSTATE,
        admin=admin,
        member=member,
        reports=[report] if report else [],
        note=note,
        now=now,
    )
