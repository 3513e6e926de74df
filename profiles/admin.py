from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.text import capfirst

from . import privacy, services
from .models import (
    Block,
    CallWindow,
    GoalKind,
    Interest,
    InterestCategory,
    MemberGoal,
    MemberInterest,
    Profile,
    Resource,
    Specialty,
    SuppressedAddress,
    User,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MemberCount(TypedDict):
    """What the admin lists annotate each row with."""

    member_count: int


class LabelledForm(forms.ModelForm):
    """Django leaves the inputs of list_editable without a label, which screen readers
    (and axe) need: name each one after its column and its row."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = (
                f"{capfirst(field.label)} of {self.instance}"
            )


class LabelledListEditable(admin.ModelAdmin):
    def get_changelist_form(
        self, request: HttpRequest, **kwargs: Any
    ) -> type[forms.ModelForm]:
        return super().get_changelist_form(request, form=LabelledForm, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    # Django's two-box picker for groups adds a search icon its own markup makes
    # inaccessible (a label-less span with an ARIA label); a plain labelled
    # multiple select does the same job.
    filter_horizontal = ()
    list_display = ["email", "is_active", "is_staff", "date_joined", "last_login"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    # Deleting here must erase a member's data exactly as their own deletion does,
    # not just follow the database's cascade rules.
    def delete_model(self, request, obj: User) -> None:
        privacy.member_delete(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            privacy.member_delete(user=user)


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Merge into", queryset=Interest.objects.active().order_by("name")
    )


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "alias_list",
        "category",
        "status",
        "sensitive",
        "member_count",
    ]
    list_filter = ["status", "sensitive", "category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["merged_into", "suggested_by"]
    actions = ["approve", "retire", "merge"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(member_count=Count("member_links"))
        )

    @admin.display(ordering="member_count", description="members")
    def member_count(self, obj: "WithAnnotations[Interest, MemberCount]") -> int:
        return obj.member_count

    @admin.display(description="aliases")
    def alias_list(self, obj: Interest) -> str:
        return ", ".join(obj.aliases)

    # Status changes go through the actions, whose services tidy up members'
    # links and search documents; a merge is only ever made by the merge action.
    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["merged_into"]
        return ["status", "merged_into"]

    def save_model(self, request, obj: Interest, form, change: bool) -> None:
        services.interest_update(interest=obj, changed=form.changed_data)

    def _each(self, request, queryset, service, done: str) -> None:
        count = 0
        for interest in queryset:
            try:
                service(interest=interest)
            except ValidationError as exc:
                self.message_user(request, exc.messages[0], messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"{count} tag(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected suggestions")
    def approve(self, request, queryset):
        self._each(request, queryset, services.interest_approve, "approved")

    @admin.action(description="Retire selected tags")
    def retire(self, request, queryset):
        self._each(request, queryset, services.interest_retire, "retired")

    @admin.action(description="Merge selected tags into another tag…")
    def merge(self, request, queryset):
        if "apply" in request.POST:
            form = MergeForm(request.POST)
            if form.is_valid():
                target = form.cleaned_data["target"]
                moved = 0
                for source in queryset.exclude(pk=target.pk):
                    moved += services.interest_merge(source=source, target=target)
                self.message_user(
                    request,
                    f"Merged into “{target}”: {moved} member link(s) moved.",
                    messages.SUCCESS,
                )
                return None
        else:
            form = MergeForm()
        return render(
            request,
            "admin/profiles/interest/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge tags",
                "tags": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(InterestCategory)
class InterestCategoryAdmin(LabelledListEditable, admin.ModelAdmin):
    list_display = ["name", "position", "is_wellbeing", "tag_count"]
    prepopulated_fields = {"slug": ["name"]}
    list_editable = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tag_count=Count("interests"))

    @admin.display(ordering="tag_count", description="tags")
    def tag_count(self, obj) -> int:
        return obj.tag_count


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "is_active", "member_count"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Specialty]:
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(member_count=Count("profiles"))
        )

    @admin.display(ordering="member_count", description="members")
    def member_count(self, obj: "WithAnnotations[Specialty, MemberCount]") -> int:
        return obj.member_count


@admin.register(GoalKind)
class GoalKindAdmin(LabelledListEditable, admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "member_count"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[GoalKind]:
        return (
            super().get_queryset(request).annotate(member_count=Count("member_goals"))
        )

    @admin.display(ordering="member_count", description="member goals")
    def member_count(self, obj: "WithAnnotations[GoalKind, MemberCount]") -> int:
        return obj.member_count


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "phone", "url", "position"]
    list_filter = ["category"]


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's fields sit under column headers that are not their
    <label>s: each gets an accessible name, "Interest, row 2", for screen readers
    (and axe)."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else field.label or name
            # A foreign key's select sits inside the admin's "add another" wrapper.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:
                widget.attrs["aria-label"] = f"{capfirst(label)}, {row}"


class MemberInterestInline(admin.TabularInline):
    model = MemberInterest
    formset = LabelledInlineFormSet
    raw_id_fields = ["interest"]
    extra = 0


class MemberGoalInline(admin.TabularInline):
    model = MemberGoal
    formset = LabelledInlineFormSet
    raw_id_fields = ["interest"]
    extra = 0


class CallWindowInline(admin.TabularInline):
    model = CallWindow
    formset = LabelledInlineFormSet
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "role", "specialty", "country", "onboarded_at"]
    list_filter = ["role", "intro_frequency", "specialty"]
    search_fields = ["display_name", "user__email", "institution", "city"]
    list_select_related = ["specialty"]
    raw_id_fields = ["user"]
    inlines = [MemberInterestInline, MemberGoalInline, CallWindowInline]
    exclude = ["search_vector", "name_vector"]

    # The profile and its tags and goals are saved by now: its search document
    # must say what they say.
    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.profiles_refresh_search_vectors(profile_ids=[form.instance.pk])


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    """Addresses nothing is sent to. Deleting a row lets mail go to it again."""

    list_display = ("email", "reason", "profile", "created_at", "resolved_at")
    list_filter = ("reason",)
    search_fields = ("email",)
    raw_id_fields = ("profile",)
    readonly_fields = ("created_at", "frequency_before")
