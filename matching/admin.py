from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from introductions.admin import IntroductionAdmin, explanation_display
from introductions.models import Introduction

from .models import AutoPause, LeftOut, Round, RoundBlock, RoundPair, WeightVersion
from .tasks import start_round


def _readable(value) -> str:
    """A round parameter for people: numbers rounded, lists and maps spelled out."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return "; ".join(
            f"{k.replace('_', ' ')}: {_readable(v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(_readable(v) for v in value)
    return str(value)


def _queue_dry_run() -> None:
    # Never holds the admin's request when the broker is down: no retry, no result
    # to subscribe to (the round shows up in this list), and a failure is logged.
    transaction.on_commit(
        lambda: start_round.apply_async(
            kwargs={"trigger": Round.Trigger.ADMIN, "dry_run": True},
            retry=False,
            ignore_result=True,
        ),
        robust=True,
    )


class RoundPairInline(admin.TabularInline):
    model = RoundPair
    fields = readonly_fields = (
        "member_a",
        "member_b",
        "score_display",
        "why",
        "intro_link",
    )
    extra = 0
    can_delete = False
    show_change_link = False
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member_a", "member_b")

    @admin.display(description="score")
    def score_display(self, obj: RoundPair) -> str:
        return f"{obj.score:.2f}"

    @admin.display(description="why")
    def why(self, obj: RoundPair) -> str:
        return explanation_display(obj.explanation, obj.member_a, obj.member_b)

    @admin.display(description="introduction")
    def intro_link(self, obj: RoundPair) -> str:
        if obj.introduction_id is None:
            return "—"
        try:
            url = reverse(
                "admin:introductions_introduction_change", args=[obj.introduction_id]
            )
        except NoReverseMatch:
            return f"#{obj.introduction_id}"
        return format_html('<a href="{}">#{}</a>', url, obj.introduction_id)


class LeftOutInline(admin.TabularInline):
    model = LeftOut
    fields = readonly_fields = ("member", "reason")
    extra = 0
    can_delete = False
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


class RoundBlockInline(admin.TabularInline):
    model = RoundBlock
    fields = ("block", "start", "stop", "candidates", "seconds", "seconds_write")
    readonly_fields = (*fields, "done_at")
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "status",
        "dry_run",
        "trigger",
        "members_considered",
        "candidate_pairs",
        "pairs_chosen",
        "intros_created",
        "seconds_total_display",
    ]
    list_filter = ["status", "dry_run", "trigger"]
    date_hierarchy = "created_at"
    actions = ["dry_run_now"]
    inlines = [RoundPairInline, LeftOutInline, RoundBlockInline]
    # Shown by the readable displays below instead of as raw JSON and floats.
    exclude = ["parameters", "score_total"]
    readonly_fields = [
        "status",
        "dry_run",
        "trigger",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "k",
        "block_size",
        "blocks",
        "parameters_display",
        "weights_version",
        "members_considered",
        "members_paused",
        "candidate_pairs",
        "pairs_chosen",
        "intros_created",
        "members_with_candidate",
        "members_served",
        "pairs_outside_windows",
        "score_total_display",
        "seconds_load",
        "seconds_score",
        "seconds_pair",
        "seconds_write",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # The delete page collects the round's cascade, millions of candidate rows.
        return False

    @admin.display(description="seconds")
    def seconds_total_display(self, obj: Round) -> str:
        return f"{obj.seconds_total:.1f}"

    @admin.display(description="score total")
    def score_total_display(self, obj: Round) -> str:
        return f"{obj.score_total:.2f}"

    @admin.display(description="weights and limits")
    def parameters_display(self, obj: Round) -> str:
        if not obj.parameters:
            return "–"
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                (
                    (name.replace("_", " "), _readable(value))
                    for name, value in sorted(obj.parameters.items())
                ),
            ),
        )

    @admin.action(description="Dry run a round now (with today's members)")
    def dry_run_now(self, request: HttpRequest, queryset) -> None:
        _queue_dry_run()
        self.message_user(
            request,
            "A dry run is queued; it appears here when a Celery worker takes it.",
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "dry-run/",
                self.admin_site.admin_view(require_POST(self.dry_run_view)),
                name="matching_round_dry_run",
            ),
            *super().get_urls(),
        ]

    def dry_run_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        self.dry_run_now(request, Round.objects.none())
        return HttpResponseRedirect(reverse("admin:matching_round_changelist"))


@admin.register(WeightVersion)
class WeightVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by matching_fit_weights and adopted or rolled
    back on the insights page, which keep the history straight."""

    list_display = [
        "__str__",
        "status",
        "target",
        "created_at",
        "activated_at",
        "retired_at",
        "holdout_auc",
    ]
    list_filter = ["status", "target"]
    exclude = ["weights", "holdout", "dry_run"]
    readonly_fields = [
        "status",
        "target",
        "weights_display",
        "holdout_display",
        "dry_run_display",
        "created_at",
        "created_by",
        "activated_at",
        "activated_by",
        "retired_at",
        "previous",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="holdout AUC (fitted / then in use)")
    def holdout_auc(self, obj: WeightVersion) -> str:
        fitted = obj.holdout.get("fitted", {}).get("auc")
        current = obj.holdout.get("current", {}).get("auc")
        if fitted is None or current is None:
            return "–"
        return f"{fitted:.3f} / {current:.3f}"

    @admin.display(description="weights")
    def weights_display(self, obj: WeightVersion) -> str:
        return _readable(obj.weights) if obj.weights else "–"

    @admin.display(description="holdout")
    def holdout_display(self, obj: WeightVersion) -> str:
        h = obj.holdout
        if not h.get("fitted"):
            return "–"
        return (
            f"trained on {h['train']} intros, tested on {h['holdout']}; "
            f"AUC {h['fitted']['auc']:.3f} fitted, {h['current']['auc']:.3f} then "
            f"in use; calibration error {h['fitted']['calibration_error']:.3f} "
            f"fitted, {h['current']['calibration_error']:.3f} then in use"
        )

    @admin.display(description="dry run")
    def dry_run_display(self, obj: WeightVersion) -> str:
        d = obj.dry_run
        if "pairs_candidate" not in d:
            return d.get("status", "–")
        return (
            f"{d['new']} of {d['pairs_candidate']} intros would change "
            f"({d['members']} members)"
        )


@admin.register(AutoPause)
class AutoPauseAdmin(admin.ModelAdmin):
    list_display = ["profile", "created_at", "round"]
    list_select_related = ["profile", "round"]
    raw_id_fields = ["profile", "round"]
    date_hierarchy = "created_at"


class RoundFilter(admin.SimpleListFilter):
    """Introductions by the round that proposed them."""

    title = "round"
    parameter_name = "round"

    def lookups(self, request, model_admin):
        return [(r.pk, str(r)) for r in Round.objects.order_by("-pk")[:30]]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        proposed = RoundPair.objects.filter(round_id=value)
        return queryset.filter(pk__in=proposed.values("introduction_id"))


# Introductions know nothing of rounds (the apps depend the other way), so the round
# filter is added here, on top of the introductions app's own admin.
admin.site.unregister(Introduction)


@admin.register(Introduction)
class IntroductionWithRoundAdmin(IntroductionAdmin):
    list_filter = (*IntroductionAdmin.list_filter, RoundFilter)
