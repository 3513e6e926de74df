"""Onboarding: about you → interests → goals. Each step is a plain form page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import services
from ..http import MemberRequest
from ..ratelimits import member_rate_limit
from .common import onboarding_steps, own_profile
from .goals import goals_context
from .interests import picker_context
from .profile import about_page


@require_GET
@login_required
def onboarding_start(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    if not profile.role:
        return redirect("onboarding_about")
    if profile.member_interests.count() < settings.MIN_INTERESTS:
        return redirect("onboarding_interests")
    return redirect("onboarding_goals")


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def onboarding_about(request: MemberRequest) -> HttpResponse:
    return about_page(
        request,
        template="profiles/onboarding_about.html",
        success_url=reverse("onboarding_interests"),
        extra={"steps": onboarding_steps("onboarding_about")},
        guess_time_zone=True,
    )


@require_http_methods(["GET", "POST"])
@login_required
def onboarding_interests(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    if request.method == "POST":
        if profile.member_interests.count() < settings.MIN_INTERESTS:
            messages.error(
                request,
                f"Pick at least {settings.MIN_INTERESTS} interests so we can find "
                "people for you.",
            )
        else:
            return redirect("onboarding_goals")
    context = picker_context(request, profile, next_url=reverse("onboarding_interests"))
    context["steps"] = onboarding_steps("onboarding_interests")
    return render(request, "profiles/onboarding_interests.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def onboarding_goals(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    if request.method == "POST":
        if profile.member_interests.count() < settings.MIN_INTERESTS:
            messages.error(request, "Pick your interests first.")
            return redirect("onboarding_interests")
        services.profile_complete_onboarding(profile=profile)
        messages.success(
            request, "Welcome to Grapevyne! This is your profile as members see it."
        )
        return redirect(profile.get_absolute_url())
    context = goals_context(profile, next_url=reverse("onboarding_goals"))
    context["steps"] = onboarding_steps("onboarding_goals")
    return render(request, "profiles/onboarding_goals.html", context)
