"""The home page, the dashboard, and pausing or resuming introductions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..forms import PauseForm
from ..http import MemberRequest
from ..ratelimits import member_rate_limit
from .common import own_profile


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "profiles/home.html")


@require_GET
@login_required
def dashboard(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    return render(
        request,
        "profiles/dashboard.html",
        {
            "profile": profile,
            "completeness": selectors.profile_completeness(profile=profile),
            "resources": selectors.dashboard_resources(profile=profile),
            "email_problem": selectors.member_email_problem(profile=profile),
            "pause_form": PauseForm(),
        },
    )


@require_POST
@login_required
@member_rate_limit("profile_edit")
def pause(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    form = PauseForm(request.POST)
    if form.is_valid():
        services.profile_pause(profile=profile, until=form.cleaned_data["until"])
        until = form.cleaned_data["until"]
        messages.success(
            request,
            f"Introductions are paused until {until:%B %-d, %Y}."
            if until
            else "Introductions are paused until you resume them.",
        )
    else:
        messages.error(request, str(form.errors["until"][0]))
    return redirect("dashboard")


@require_POST
@login_required
@member_rate_limit("profile_edit")
def resume(request: MemberRequest) -> HttpResponse:
    services.profile_resume(profile=own_profile(request))
    messages.success(request, "Welcome back: introductions are on again.")
    return redirect("dashboard")
