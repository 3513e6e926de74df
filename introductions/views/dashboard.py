"""The dashboard's actions on introductions: accept, decline, and asking for an
introduction to a member (logged in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from profiles import selectors as profile_selectors
from profiles.htmx import announce, varies_on_htmx
from profiles.http import MemberRequest
from profiles.models import Profile
from profiles.ratelimits import member_rate_limit

from .. import services
from ..forms import IntroRequestForm
from ..models import Introduction
from ..templatetags.introductions_tags import dashboard_context


def _get_intro_for_member(
    request: MemberRequest, pk: int
) -> tuple[Introduction, Profile]:
    """The intro if the signed-in member is part of it; 404 otherwise."""
    member = getattr(request.user, "profile", None)
    if member is None:
        raise Http404("No profile")
    # A proposed intro has not been offered yet: to its members it does not exist.
    intro = get_object_or_404(
        Introduction.objects.select_related("member_a__user", "member_b__user")
        .filter(pk=pk)
        .exclude(state=Introduction.State.PROPOSED),
    )
    if member.pk not in (intro.member_a_id, intro.member_b_id):
        raise Http404("Not your introduction")
    return intro, member


def _after_dashboard_action(
    request: MemberRequest, member: Profile, notice: str
) -> HttpResponse:
    if request.htmx:
        response = render(
            request,
            "introductions/_dashboard.html",
            dashboard_context(member, notice=notice),
        )
        return announce(response, notice)
    messages.info(request, notice)
    return redirect("dashboard")


@varies_on_htmx
@login_required
@require_POST
def intro_accept(request: MemberRequest, pk: int) -> HttpResponse:
    intro, member = _get_intro_for_member(request, pk)
    try:
        intro = services.intro_accept(intro=intro, member=member)
    except services.IntroTransitionError:
        notice = "This introduction can no longer be answered."
    else:
        if intro.state == Introduction.State.CONNECTED:
            notice = "You are connected: we emailed you both."
        else:
            notice = "Thank you. If they say yes too, we email you both."
    return _after_dashboard_action(request, member, notice)


@varies_on_htmx
@login_required
@require_POST
def intro_decline(request: MemberRequest, pk: int) -> HttpResponse:
    intro, member = _get_intro_for_member(request, pk)
    reason = request.POST.get("reason", "")
    if reason not in Introduction.MEMBER_DECLINE_REASONS:
        reason = ""
    try:
        services.intro_decline(intro=intro, member=member, reason=reason)
    except services.IntroTransitionError:
        notice = "This introduction can no longer be answered."
    else:
        notice = "Thank you. Nobody will be told who said no."
    return _after_dashboard_action(request, member, notice)


@login_required
@require_http_methods(["GET", "POST"])
@member_rate_limit("intro_request")
def intro_request(request: MemberRequest, pk: int) -> HttpResponse:
    """Ask for an introduction to another member, with a short note."""
    requester = getattr(request.user, "profile", None)
    # Only a member whose profile the requester may see can be asked for.
    other = profile_selectors.profile_for_member(viewer=request.user, pk=pk)
    if other is None:
        raise Http404("No such member")
    if requester is None or requester.pk == other.pk:
        raise Http404("No introduction to yourself")
    form = IntroRequestForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.intro_request(
                requester=requester, other=other, note=form.cleaned_data["note"]
            )
        except services.IntroRequestRefused as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"We have asked {other.name}. If they say yes, we email you both.",
            )
            # Their page now says where the request stands.
            return redirect(other)
    return render(
        request,
        "introductions/request.html",
        {"form": form, "other": other, "error": error},
        status=409 if error else 200,
    )
