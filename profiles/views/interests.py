"""The tag picker: the same endpoints serve htmx swaps and plain form posts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..forms import InterestChoiceForm, SuggestInterestForm
from ..htmx import announce, varies_on_htmx
from ..http import MemberRequest
from ..models import Profile
from ..ratelimits import member_rate_limit
from .common import own_profile, safe_next_url


def picker_context(
    request: MemberRequest,
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


def _tag_query(request: MemberRequest) -> str:
    """The tag search being made: adding or removing a tag posts it along, so
    the results stay on screen while the member picks several."""
    return selectors.tag_query(request.POST.get("q") or request.GET.get("q", ""))


def _with_query(url: str, query: str) -> str:
    return f"{url}?{urlencode({'q': query})}" if query else url


def _render_picker(
    request: MemberRequest, profile: Profile, *, status: int = 200, **kwargs
) -> HttpResponse:
    next_url = safe_next_url(request, reverse("profile_interests"))
    context = picker_context(request, profile, next_url=next_url, **kwargs)
    return render(
        request, "profiles/interest_picker.html#picker", context, status=status
    )


@varies_on_htmx
@require_GET
@login_required
def interest_search(request: MemberRequest) -> HttpResponse:
    query = _tag_query(request)
    if not request.htmx:
        url = safe_next_url(request, reverse("profile_interests"))
        return HttpResponseRedirect(f"{url}?{urlencode({'q': query})}")
    # Called on every keystroke: only what the results list shows.
    results = (
        list(
            selectors.interest_search(query=query, exclude_profile=own_profile(request))
        )
        if query
        else []
    )
    context = {
        "query": query,
        "results": results,
        "next_url": safe_next_url(request, reverse("profile_interests")),
    }
    response = render(request, "profiles/interest_picker.html#results", context)
    if not query:
        return response
    found = len(results)
    return announce(
        response, f"{found} interest{pluralize(found)} found" if found else "No match"
    )


def _interest_change(request: MemberRequest, change, done: str) -> HttpResponse:
    profile = own_profile(request)
    form = InterestChoiceForm(request.POST)
    error = None
    if form.is_valid():
        try:
            change(profile=profile, interest=form.cleaned_data["interest"])
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = str(form.errors["interest"][0])
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
    url = safe_next_url(request, reverse("profile_interests"))
    return redirect(_with_query(url, _tag_query(request)))


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("profile_edit")
def interest_add(request: MemberRequest) -> HttpResponse:
    return _interest_change(request, services.member_interest_add, "Added")


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("profile_edit")
def interest_remove(request: MemberRequest) -> HttpResponse:
    return _interest_change(request, services.member_interest_remove, "Removed")


@varies_on_htmx
@require_POST
@login_required
@member_rate_limit("tag_suggest")
@member_rate_limit("profile_edit")
def interest_suggest(request: MemberRequest) -> HttpResponse:
    profile = own_profile(request)
    form: SuggestInterestForm | None
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
            messages.error(request, str(error[0]))
    url = safe_next_url(request, reverse("profile_interests"))
    return redirect(_with_query(url, _tag_query(request)))
