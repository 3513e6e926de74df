"""One's own profile: about, preferences, privacy, and the interests and goals tabs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import services
from ..forms import (
    AboutForm,
    CallWindowFormSet,
    PreferencesForm,
    PrivacyForm,
)
from ..http import MemberRequest
from ..ratelimits import member_rate_limit
from .common import own_profile
from .goals import goals_context
from .interests import picker_context


def about_page(
    request: MemberRequest,
    *,
    template: str,
    success_url: str,
    extra: dict,
    guess_time_zone: bool = False,
) -> HttpResponse:
    profile = own_profile(request)
    form = AboutForm(request.POST or None, instance=profile)
    if guess_time_zone and not form.is_bound and not profile.role:
        # Never saved yet: its "UTC" is a default, which the browser can better.
        form.fields["time_zone"].widget.attrs["data-guess-time-zone"] = ""
    if request.method == "POST" and form.is_valid():
        services.profile_save(profile=form.save(commit=False))
        messages.success(request, "Saved.")
        return redirect(success_url)
    return render(request, template, {"form": form, "profile": profile, **extra})


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def profile_edit(request: MemberRequest) -> HttpResponse:
    return about_page(
        request,
        template="profiles/profile_edit.html",
        success_url=reverse("profile_edit"),
        extra={"tab": "about"},
    )


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def profile_preferences(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    form = PreferencesForm(request.POST or None, instance=profile, prefix="prefs")
    windows = CallWindowFormSet(
        request.POST or None, instance=profile, prefix="windows"
    )
    if request.method == "POST" and form.is_valid() and windows.is_valid():
        with transaction.atomic():
            services.profile_save(profile=form.save(commit=False))
            windows.save()
        messages.success(request, "Your introduction preferences are saved.")
        return redirect("profile_preferences")
    return render(
        request,
        "profiles/profile_preferences.html",
        {"form": form, "windows": windows, "profile": profile, "tab": "preferences"},
    )


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def profile_privacy(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    form = PrivacyForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_save(profile=form.save(commit=False))
        messages.success(request, "Your privacy settings are saved.")
        return redirect("profile_privacy")
    return render(
        request,
        "profiles/profile_privacy.html",
        {"form": form, "profile": profile, "tab": "privacy"},
    )


@require_GET
@login_required
def profile_interests(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    context = picker_context(request, profile, next_url=reverse("profile_interests"))
    context["tab"] = "interests"
    return render(request, "profiles/profile_interests.html", context)


@require_GET
@login_required
def profile_goals(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    context = goals_context(profile, next_url=reverse("profile_goals"))
    context["tab"] = "goals"
    return render(request, "profiles/profile_goals.html", context)
