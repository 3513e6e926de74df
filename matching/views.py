"""The one page of matching: the auto-pause email's one-click resume link.

Like every email link it works without logging in, and a GET changes nothing (mail
scanners open links): it shows a confirmation that POSTs.
"""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from introductions import tokens
from introductions.links import link_problem

from . import services
from .models import AutoPause

PROBLEMS = {
    "forged": (
        400,
        "This link does not work",
        "It may have been cut short by your email app, or changed. Nothing was "
        "changed. Try copying the whole link from the email, or turn introductions "
        "back on from your dashboard.",
    ),
    "expired": (
        410,
        "This link has expired",
        "Nothing was changed. You can turn introductions back on from your "
        "dashboard at any time.",
    ),
    "reused": (
        409,
        "This link was already used",
        "Introductions were turned back on already, or paused again since, so "
        "nothing was changed. Your dashboard shows where things stand.",
    ),
    "not_yours": (
        403,
        "This link was sent to someone else",
        "Links in our emails belong to the member they were sent to, so nothing "
        "was changed.",
    ),
}


_problem = partial(link_problem, problems=PROBLEMS)


@require_http_methods(["GET", "POST"])
def link_resume(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = tokens.read_token(token, action=tokens.RESUME)
    except tokens.ExpiredToken:
        return _problem(request, "expired")
    except tokens.BadToken:
        return _problem(request, "forged")
    if claim.ref is None:
        return _problem(request, "forged")
    pause = (
        AutoPause.objects.select_related("profile")
        .filter(pk=claim.ref, profile_id=claim.member_id)
        .first()
    )
    if pause is None:
        return _problem(request, "forged")
    viewer = getattr(request.user, "profile", None)
    if request.user.is_authenticated and viewer and viewer.pk != pause.profile_id:
        return _problem(request, "not_yours")
    if request.method == "GET":
        if pause.resumed_at is not None:
            return _problem(request, "reused")
        return render(request, "matching/resume.html", {"member": pause.profile})
    try:
        services.auto_pause_resume(auto_pause=pause)
    except services.AlreadyResumed:
        return _problem(request, "reused")
    return render(request, "matching/resume_done.html", {"member": pause.profile})
