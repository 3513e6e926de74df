"""A member's goals: added and removed in place."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import services
from ..forms import GoalForm
from ..htmx import announce, varies_on_htmx
from ..http import MemberRequest
from ..models import MemberGoal, Profile
from ..ratelimits import member_rate_limit
from .common import onboarding_steps, own_profile, safe_next_url


def _get_own_goal(request: MemberRequest, pk: int) -> MemberGoal:
    """A goal the signed-in member may change: their own, else 404."""
    return get_object_or_404(MemberGoal, pk=pk, profile__user=request.user)


def goals_context(
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
    request: MemberRequest, profile: Profile, *, form=None, status=200
) -> HttpResponse:
    context = goals_context(
        profile, next_url=safe_next_url(request, reverse("profile_goals")), form=form
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
def goal_add(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    form: GoalForm | None
    form = GoalForm(request.POST, profile=profile)
    goal = None
    if form.is_valid():
        try:
            goal = services.member_goal_add(profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = None
    next_url = safe_next_url(request, reverse("profile_goals"))
    if request.htmx:
        response = _render_goals(
            request, profile, form=form, status=422 if form else 200
        )
        return announce(response, f"Added: {_goal_words(goal)}") if goal else response
    if form is not None:
        # The page the form was on, with its error: onboarding keeps its steps.
        context = goals_context(profile, next_url=next_url, form=form)
        if next_url == reverse("onboarding_goals"):
            context["steps"] = onboarding_steps("onboarding_goals")
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
def goal_remove(request: MemberRequest, pk: int) -> HttpResponse:
    goal = _get_own_goal(request, pk)
    words = _goal_words(goal)
    services.member_goal_remove(goal=goal)
    if request.htmx:
        return announce(
            _render_goals(request, own_profile(request)), f"Removed: {words}"
        )
    return redirect(safe_next_url(request, reverse("profile_goals")))
