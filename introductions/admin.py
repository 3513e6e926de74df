from collections import defaultdict
from typing import ClassVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from profiles.models import User

from . import moderation
from .components import COLUMNS as COMPONENT_COLUMNS
from .explanations import Explanation
from .models import (
    DeliveryEvent,
    Feedback,
    Introduction,
    ModerationAction,
    OutboxEmail,
    Report,
)
from .reasons import join_names


class OutboxEmailInline(admin.TabularInline):
    model = OutboxEmail
    fields = ("kind", "to_email", "subject", "status", "attempts", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FeedbackInline(admin.TabularInline):
    model = Feedback
    fields = ("member", "met", "rating", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _name(names: dict[int, str], pk: int | None, former: str) -> str:
    return former if pk is None else names.get(pk, former)


def _staff(request: HttpRequest) -> User:
    """The admin site's user, a staff login (the site lets no one else in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def explanation_sentences(explanation: dict, names: dict[int, str]) -> list[str]:
    """Why a pair was proposed, for admins, as the engine saw it: naming both sides.

    names maps member ids to names. Shared sensitive interests are counted, never
    named: admins need not know who holds which one.
    """
    record = Explanation.from_json(explanation)
    sentences = []
    if record.shared_interests:
        sentences.append(
            "Both care about " + join_names(list(record.shared_interests[:5])) + "."
        )
    private = len(record.shared_sensitive_interests)
    if private:
        plural = "s" if private > 1 else ""
        sentences.append(
            f"They share {private} private interest{plural}, "
            "revealed to them only once both accept."
        )
    for goal in record.goals:
        kind = goal.kind.lower() or "a conversation"
        about = f" in {goal.topic}" if goal.topic and goal.topic.lower() != kind else ""
        seeker = _name(names, goal.seeker_id, "A former member")
        offerer = _name(names, goal.offerer_id, "a former member")
        sentences.append(f"{seeker} is looking for {kind}{about}; {offerer} offers it.")
    if record.cross_specialty:
        sentences.append("They work in different specialties.")
    return sentences


def explanation_display(explanation: dict, member_a, member_b) -> str:
    """The explanation as a list of sentences (HTML), for admin pages."""
    names = {m.pk: m.name for m in (member_a, member_b) if m is not None}
    sentences = explanation_sentences(explanation, names)
    if not sentences:
        return "No reason recorded."
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((s,) for s in sentences))
    )


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    """Intros are made by rounds and members, never by hand: no add, no bulk delete."""

    empty_value_display = "a former member"
    list_display = (
        "id",
        "member_a",
        "member_b",
        "state",
        "score_display",
        "offered_at",
        "expires_at",
        "connected_at",
        "closed_at",
    )
    # Typed wide enough for the matching app's admin to add its round filter.
    list_filter: ClassVar[tuple[str | type[admin.ListFilter], ...]] = (
        "state",
        "a_decline_reason",
        "b_decline_reason",
        "offered_at",
    )
    list_select_related = ("member_a", "member_b")
    search_fields = ("member_a__display_name", "member_b__display_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("member_a", "member_b", "requested_by")
    exclude = ("score", "explanation", "proposed_slots")
    readonly_fields = (
        "score_display",
        "why",
        "slots",
        "a_response",
        "b_response",
        "a_responded_at",
        "b_responded_at",
        "a_decline_reason",
        "b_decline_reason",
        "offered_at",
        "expires_at",
        "reminded_at",
        "connected_at",
        "closed_at",
        "closed_notice_at",
        "follow_up_at",
        "created_at",
        "updated_at",
        # What the round scored: the learning from outcomes reads them as written.
        *COMPONENT_COLUMNS,
    )
    inlines = [OutboxEmailInline, FeedbackInline]
    # No "delete selected": a bulk delete would erase members' history.
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="score", ordering="score")
    def score_display(self, intro: Introduction) -> str:
        return f"{intro.score:.2f}"

    @admin.display(description="why we proposed it")
    def why(self, intro: Introduction) -> str:
        return explanation_display(intro.explanation, intro.member_a, intro.member_b)

    @admin.display(description="proposed call times (UTC)")
    def slots(self, intro: Introduction) -> str:
        return (
            ", ".join(s.replace("T", " ")[:16] for s in intro.proposed_slots or [])
            or "–"
        )


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    extra = 0
    can_delete = False
    fields = ("event_type", "recipient", "reject_reason", "description", "occurred_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "to_email",
        "status",
        "delivery",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "delivery", "kind")
    search_fields = ("to_email", "subject", "provider_message_id", "event_key")
    raw_id_fields = ("recipient", "intro")
    readonly_fields = (
        "event_key",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "provider_message_id",
        "delivery",
        "soft_bounces",
    )
    inlines = [DeliveryEventInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("intro", "member", "met", "rating", "updated_at")
    list_filter = ("met", "rating")
    # An intro names both members.
    list_select_related = ("intro__member_a", "intro__member_b", "member")
    raw_id_fields = ("intro", "member")


# --- Trust and safety -------------------------------------------------------------


class ModerationActionInline(admin.TabularInline):
    model = ModerationAction
    fields = ("created_at", "action", "admin", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _by_member(reports) -> dict:
    grouped = defaultdict(list)
    for report in reports:
        grouped[report.reported].append(report)
    return grouped


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports first, oldest first among them."""

    list_display = (
        "id",
        "status",
        "reason",
        "reported",
        "reported_is_active",
        "reporter",
        "concerns",
        "created_at",
        "handled_by",
        "handled_at",
    )
    list_filter = ("status", "reason")
    list_select_related = ("reported__user", "reporter", "handled_by")
    search_fields = ("reported__display_name", "reporter__display_name", "details")
    fields = (
        "status",
        "reason",
        "details",
        "reported",
        "reporter",
        "intro",
        "created_at",
        "handled_by",
        "handled_at",
    )
    readonly_fields = fields
    inlines = [ModerationActionInline]
    actions = ["dismiss", "warn", "suspend", "reinstate"]

    def get_ordering(self, request: HttpRequest):
        open_first = Case(
            When(status=Report.Status.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (open_first.asc(), "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Reports come from members; admins act on them.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(boolean=True, description="can log in")
    def reported_is_active(self, report: Report) -> bool:
        return report.reported.user.is_active

    @admin.display(description="concerns")
    def concerns(self, report: Report) -> str:
        if report.intro_id:
            url = reverse(
                "admin:introductions_introduction_change", args=[report.intro_id]
            )
            return format_html('<a href="{}">intro #{}</a>', url, report.intro_id)
        url = reverse("member_detail", args=[report.reported_id])
        return format_html('<a href="{}">profile</a>', url)

    def _skipped(self, request: HttpRequest, skipped: int) -> None:
        if skipped:
            self.message_user(
                request,
                f"{skipped} report(s) had been handled already and were left as is.",
                messages.WARNING,
            )

    @admin.action(description="Dismiss the selected reports", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset) -> None:
        done = skipped = 0
        for report in queryset.select_related("reported"):
            try:
                moderation.report_dismiss(report=report, admin=_staff(request))
            except moderation.ReportAlreadyHandled:
                skipped += 1
            else:
                done += 1
        self.message_user(request, f"Dismissed {done} report(s).")
        self._skipped(request, skipped)

    def _act_on_members(self, request, queryset, service, verb: str) -> None:
        # One decision per member, however many of their reports were selected:
        # two reports must not mean two warning emails.
        done = 0
        open_reports = queryset.filter(status=Report.Status.OPEN).select_related(
            "reported__user"
        )
        skipped = queryset.count() - len(open_reports)
        for member, reports in _by_member(open_reports).items():
            try:
                service(member=member, admin=_staff(request), reports=reports)
            except moderation.ReportAlreadyHandled:
                skipped += len(reports)
            else:
                done += 1
        self.message_user(request, f"{verb} {done} member(s).")
        self._skipped(request, skipped)

    @admin.action(
        description="Warn the reported members (email)", permissions=["change"]
    )
    def warn(self, request: HttpRequest, queryset) -> None:
        self._act_on_members(request, queryset, moderation.member_warn, "Warned")

    @admin.action(description="Suspend the reported members", permissions=["change"])
    def suspend(self, request: HttpRequest, queryset) -> None:
        self._act_on_members(request, queryset, moderation.member_suspend, "Suspended")

    @admin.action(description="Reinstate the reported members", permissions=["change"])
    def reinstate(self, request: HttpRequest, queryset) -> None:
        done = 0
        seen = set()
        for report in queryset.select_related("reported__user"):
            member = report.reported
            if member.pk in seen or member.user.is_active:
                continue
            seen.add(member.pk)
            moderation.member_reinstate(
                member=member, admin=_staff(request), report=report
            )
            done += 1
        self.message_user(request, f"Reinstated {done} member(s).")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The log of what admins did: readable by admins, writable by nobody."""

    list_display = ("created_at", "action", "member", "admin", "report", "note")
    list_filter = ("action",)
    list_select_related = ("member", "admin", "report__reported")
    search_fields = ("member__display_name", "admin__email", "note")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
