import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import privacy, selectors, services
from .forms import (
    AboutForm,
    CallWindowFormSet,
    DirectorySearchForm,
    GoalForm,
    InterestChoiceForm,
    PauseForm,
    PreferencesForm,
    PrivacyForm,
    SuggestInterestForm,
)
from .htmx import announce, varies_on_htmx
from .models import Interest, MemberGoal, Profile
from .ratelimits import member_rate_limit

ONBOARDING_STEPS = [
    ("onboarding_about", "About you"),
    ("onboarding_interests", "Interests"),
    ("onboarding_goals", "Goals"),
]


def _profile(request: HttpRequest) -> Profile:
    return services.profile_get_or_create(user=request.user)


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a local path: redirect() would take a bare word for a URL name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _get_own_goal(request: HttpRequest, pk: int) -> MemberGoal:
    """A goal the signed-in member may change: their own, else 404."""
    return get_object_or_404(MemberGoal, pk=pk, profile__user=request.user)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "profiles/home.html")


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
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
def pause(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
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
        messages.error(request, form.errors["until"][0])
    return redirect("dashboard")


@require_POST
@login_required
@member_rate_limit("profile_edit")
def resume(request: HttpRequest) -> HttpResponse:
    services.profile_resume(profile=_profile(request))
    messages.success(request, "Welcome back: introductions are on again.")
    return redirect("dashboard")


# Onboarding: about you → interests → goals. Each step is a plain form page.


@require_GET
@login_required
def onboarding_start(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if not profile.role:
        return redirect("onboarding_about")
    if profile.member_interests.count() < settings.MIN_INTERESTS:
        return redirect("onboarding_interests")
    return redirect("onboarding_goals")


def _steps(current: str) -> list[dict]:
    return [
        {"url": reverse(name), "label": label, "current": name == current}
        for name, label in ONBOARDING_STEPS
    ]


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def onboarding_about(request: HttpRequest) -> HttpResponse:
    return _about_page(
        request,
        template="profiles/onboarding_about.html",
        success_url=reverse("onboarding_interests"),
        extra={"steps": _steps("onboarding_about")},
        guess_time_zone=True,
    )


@require_http_methods(["GET", "POST"])
@login_required
def onboarding_interests(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if request.method == "POST":
        if profile.member_interests.count() < settings.MIN_INTERESTS:
            messages.error(
                request,
                f"Pick at least {settings.MIN_INTERESTS} interests so we can find "
                "people for you.",
            )
        else:
            return redirect("onboarding_goals")
    context = _picker_context(
        request, profile, next_url=reverse("onboarding_interests")
    )
    context["steps"] = _steps("onboarding_interests")
    return render(request, "profiles/onboarding_interests.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def onboarding_goals(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if request.method == "POST":
        if profile.member_interests.count() < settings.MIN_INTERESTS:
            messages.error(request, "Pick your interests first.")
            return redirect("onboarding_interests")
        services.profile_complete_onboarding(profile=profile)
        messages.success(
            request, "Welcome to Grapevyne! This is your profile as members see it."
        )
        return redirect(profile.get_absolute_url())
    context = _goals_context(profile, next_url=reverse("onboarding_goals"))
    context["steps"] = _steps("onboarding_goals")
    return render(request, "profiles/onboarding_goals.html", context)


# One's own profile.


def _about_page(
    request: HttpRequest,
    *,
    template: str,
    success_url: str,
    extra: dict,
    guess_time_zone: bool = False,
) -> HttpResponse:
    profile = _profile(request)
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
def profile_edit(request: HttpRequest) -> HttpResponse:
    return _about_page(
        request,
        template="profiles/profile_edit.html",
        success_url=reverse("profile_edit"),
        extra={"tab": "about"},
    )


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def profile_preferences(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
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
def profile_privacy(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
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
def profile_interests(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    context = _picker_context(request, profile, next_url=reverse("profile_interests"))
    context["tab"] = "interests"
    return render(request, "profiles/profile_interests.html", context)


@require_GET
@login_required
def profile_goals(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    context = _goals_context(profile, next_url=reverse("profile_goals"))
    context["tab"] = "goals"
    return render(request, "profiles/profile_goals.html", context)


# The tag picker: the same endpoints serve htmx swaps and plain form posts.


def _picker_context(
    request: HttpRequest,
    profile: Profile,
    *,
    next_url: str,
    suggest_form: SuggestInterestForm | None = None,
) -> dict:
    query = _tag_query(request)
    picked = list(selectors.member_interests(profile=profile))
    return {
        "profile": profile,
        "picked": picked,
        "picked_count": len(picked),
        "min_interests": settings.MIN_INTERESTS,
        "max_interests": settings.MAX_INTERESTS,
        "query": query,
        "results": selectors.interest_search(query=query, exclude_profile=profile)
        if query
        else [],
        "popular": selectors.picker_popular(),
        "picked_ids": {i.pk for i in picked},
        "next_url": next_url,
        "suggest_form": suggest_form or SuggestInterestForm(),
    }


def _tag_query(request: HttpRequest) -> str:
    """The tag search being made: adding or removing a tag posts it along, so
    the results stay on screen while the member picks several."""
    return selectors.tag_query(request.POST.get("q") or request.GET.get("q", ""))


def _with_query(url: str, query: str) -> str:
    return f"{url}?{urlencode({'q': query})}" if query else url


def _render_picker(
    request: HttpRequest, profile: Profile, *, status: int = 200, **kwargs
) -> HttpResponse:
    next_url = _next_url(request, reverse("profile_interests"))
    context = _picker_context(request, profile, next_url=next_url, **kwargs)
    return render(
        request, "profiles/interest_picker.html#picker", context, status=status
    )


@varies_on_htmx
@require_GET
@login_required
def interest_search(request: HttpRequest) -> HttpResponse:
    query = _tag_query(request)
    if not request.htmx:
        url = _next_url(request, reverse("profile_interests"))
        return HttpResponseRedirect(f"{url}?{urlencode({'q': query})}")
    # Called on every keystroke: only what the results list shows.
    results = (
        list(selectors.interest_search(query=query, exclude_profile=_profile(request)))
        if query
        else []
    )
    context = {
        "query": query,
        "results": results,
        "next_url": _next_url(request, reverse("profile_interests")),
    }
    response = render(request, "profiles/interest_picker.html#results", context)
    if not query:
        return response
    found = len(results)
    return announce(
        response, f"{found} interest{pluralize(found)} found" if found else "No match"
    )


def _interest_change(request: HttpRequest, change, done: str) -> HttpResponse:
    profile = _profile(request)
    form = InterestChoiceForm(request.POST)
    error = None
    if form.is_valid():
        try:
            change(profile=profile, interest=form.cleaned_data["interest"])
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = form.errors["interest"][0]
    if error:
        messages.error(request, error)
    if request.htmx:
        response = _render_picker(request, profile, status=422 if error else 200)
        if error:
            return response
        count = profile.member_interests.count()
        interest = form.cleaned_data["interest"]
        return announce(
            response, f"{done} {interest.name} ({count} of {settings.MAX_INTERESTS})"
        )
    url = _next_url(request, reverse("profile_interests"))
    return redirect(_with_query(url, _tag_query(request)))


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("profile_edit")
def interest_add(request: HttpRequest) -> HttpResponse:
    return _interest_change(request, services.member_interest_add, "Added")


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("profile_edit")
def interest_remove(request: HttpRequest) -> HttpResponse:
    return _interest_change(request, services.member_interest_remove, "Removed")


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("tag_suggest")
@member_rate_limit("profile_edit")
def interest_suggest(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = SuggestInterestForm(request.POST)
    if form.is_valid():
        try:
            interest = services.interest_suggest(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(
                request,
                f"Thank you! “{interest.name}” is waiting for an admin to review it.",
            )
            form = None
    if request.htmx:
        return _render_picker(
            request, profile, suggest_form=form, status=422 if form else 200
        )
    if form is not None:
        for error in form.errors.values():
            messages.error(request, error[0])
    url = _next_url(request, reverse("profile_interests"))
    return redirect(_with_query(url, _tag_query(request)))


# Goals.


def _goals_context(
    profile: Profile, *, next_url: str, form: GoalForm | None = None
) -> dict:
    goals = list(profile.goals.select_related("kind", "interest"))
    return {
        "profile": profile,
        "seeks": [g for g in goals if g.direction == MemberGoal.Direction.SEEK],
        "offers": [g for g in goals if g.direction == MemberGoal.Direction.OFFER],
        "form": form or GoalForm(profile=profile),
        "next_url": next_url,
    }


def _render_goals(
    request: HttpRequest, profile: Profile, *, form=None, status=200
) -> HttpResponse:
    context = _goals_context(
        profile, next_url=_next_url(request, reverse("profile_goals")), form=form
    )
    return render(request, "profiles/goals.html#goals", context, status=status)


def _goal_words(goal: MemberGoal) -> str:
    """A goal as the goals page lists it, under "I seek" or "I offer"."""
    verb = "I seek" if goal.direction == MemberGoal.Direction.SEEK else "I offer"
    about = f" in {goal.interest.name}" if goal.interest else ""
    return f"{verb} {goal.kind.name}{about}"


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("profile_edit")
def goal_add(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = GoalForm(request.POST, profile=profile)
    goal = None
    if form.is_valid():
        try:
            goal = services.member_goal_add(profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = None
    next_url = _next_url(request, reverse("profile_goals"))
    if request.htmx:
        response = _render_goals(
            request, profile, form=form, status=422 if form else 200
        )
        return announce(response, f"Added: {_goal_words(goal)}") if goal else response
    if form is not None:
        # The page the form was on, with its error: onboarding keeps its steps.
        context = _goals_context(profile, next_url=next_url, form=form)
        if next_url == reverse("onboarding_goals"):
            context["steps"] = _steps("onboarding_goals")
            template = "profiles/onboarding_goals.html"
        else:
            context["tab"] = "goals"
            template = "profiles/profile_goals.html"
        return render(request, template, context, status=422)
    return redirect(next_url)


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("profile_edit")
def goal_remove(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _get_own_goal(request, pk)
    words = _goal_words(goal)
    services.member_goal_remove(goal=goal)
    if request.htmx:
        return announce(_render_goals(request, _profile(request)), f"Removed: {words}")
    return redirect(_next_url(request, reverse("profile_goals")))


# Other members.


class DirectoryPaginator(Paginator):
    """Counts matches only up to DIRECTORY_COUNT_CAP: counting a broad search
    exactly means reading every listed member on every page view."""

    @cached_property
    def count(self) -> int:
        return self.object_list.count_up_to(settings.DIRECTORY_COUNT_CAP)

    @property
    def is_capped(self) -> bool:
        return self.count > settings.DIRECTORY_COUNT_CAP


@varies_on_htmx
@require_GET
@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    profiles = selectors.directory_profiles(
        viewer=request.user,
        query=data.get("q", ""),
        interest_slugs=data.get("interest", []),
        specialty_slug=data.get("specialty", ""),
        goal_slug=data.get("goal", ""),
    )
    page = DirectoryPaginator(profiles, settings.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query_string.urlencode(),
        "selected_interests": set(data.get("interest", [])),
        "count_cap": settings.DIRECTORY_COUNT_CAP,
    }
    if (
        request.htmx
        and request.htmx.target == "directory-results"
        and not request.htmx.history_restore_request
    ):
        response = render(request, "profiles/directory.html#results", context)
        return announce(response, _directory_count(page.paginator))
    context |= selectors.directory_filters()
    return render(request, "profiles/directory.html", context)


def _directory_count(paginator: DirectoryPaginator) -> str:
    if paginator.is_capped:
        return f"More than {settings.DIRECTORY_COUNT_CAP} members"
    return f"{paginator.count} member{pluralize(paginator.count)}"


@require_GET
@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_for_member(viewer=request.user, pk=pk)
    if profile is None:
        return render(request, "profiles/member_missing.html", status=404)
    is_self = profile.user_id == request.user.pk
    return render(
        request,
        "profiles/member_detail.html",
        {
            "member": profile,
            "is_self": is_self,
            "own_interests": selectors.member_interests(profile=profile)
            if is_self
            else None,
            "seeks": [g for g in profile.goal_list if g.direction == "seek"],
            "offers": [g for g in profile.goal_list if g.direction == "offer"],
            "viewer_blocked": not is_self
            and selectors.has_blocked(user=request.user, blocked=profile),
        },
    )


@require_GET
@login_required
def interest_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A tag's address: the directory filtered on it; merged tags redirect."""
    interest = get_object_or_404(Interest, slug=slug, sensitive=False)
    if interest.merged_into_id:
        return redirect(interest.merged_into, permanent=True)
    if interest.status != Interest.Status.ACTIVE:
        return render(
            request, "profiles/member_missing.html", {"what": "interest"}, status=404
        )
    return redirect(f"{reverse('directory')}?interest={interest.slug}")


# Data rights: download everything we hold, or delete the account.


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything Grapevyne holds about the member, as a JSON file download."""
    data = privacy.member_export(profile=_profile(request))
    filename = f"grapevyne-export-{timezone.localdate():%Y-%m-%d}.json"
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


@require_http_methods(["GET", "POST"])
@login_required
@member_rate_limit("profile_edit")
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.member_delete(user=request.user)
        logout(request)
        return redirect("account_deleted")
    return render(
        request,
        "profiles/account_delete.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "profiles/account_deleted.html")
