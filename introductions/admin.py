from django.contrib import admin

from .models import Feedback, Introduction, OutboxEmail


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


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "member_a",
        "member_b",
        "state",
        "score",
        "offered_at",
        "expires_at",
        "connected_at",
        "closed_at",
    )
    list_filter = ("state", "a_decline_reason", "b_decline_reason", "offered_at")
    list_select_related = ("member_a", "member_b")
    search_fields = ("member_a__display_name", "member_b__display_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("member_a", "member_b", "requested_by")
    readonly_fields = (
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
        "proposed_slots",
        "created_at",
        "updated_at",
    )
    inlines = [OutboxEmailInline, FeedbackInline]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "to_email",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject")
    raw_id_fields = ("recipient", "intro")
    readonly_fields = ("created_at", "sent_at", "attempts", "last_error")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("intro", "member", "met", "rating", "updated_at")
    list_filter = ("met", "rating")
    raw_id_fields = ("intro", "member")
