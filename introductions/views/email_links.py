"""The pages of the signed email links: answer, feedback, pause (no login needed).

A GET never changes anything (mail scanners open links): it shows a one-click
confirmation whose form POSTs. Every bad link gets a page saying what happened.
"""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from profiles import selectors as profile_selectors
from profiles import services as profile_services
from profiles.models import Profile

from .. import services, tokens
from ..links import link_problem
from ..models import Feedback, Introduction
from ..selectors import intro_slots

PROBLEMS = {
    "forged": (
        400,
        "This link does not work",
        "It may have been cut short by your email app, or changed. Nothing was "
        "changed. Try copying the whole link from the email, or answer from your "
        "dashboard.",
    ),
    "expired": (
        410,
        "This link has expired",
        "The time to answer has passed, so nothing was changed. We will keep "
        "looking for good introductions for you.",
    ),
    "closed": (
        409,
        "This introduction is no longer open",
        "It did not happen this time, or was taken back; nothing was changed.",
    ),
    "answered": (
        409,
        "You already answered",
        "Thank you: we have your answer, and nothing was changed. If you both "
        "said yes, we email you both; your dashboard shows how it stands.",
    ),
    "not_yours": (
        403,
        "This link was sent to someone else",
        "Links in our emails belong to the member they were sent to, so nothing "
        "was changed. If you were forwarded this email, there is nothing to do.",
    ),
}


_problem = partial(link_problem, problems=PROBLEMS)


def _claim(
    request: HttpRequest, token: str, action: str
) -> tuple[Introduction | None, Profile] | HttpResponse:
    """The intro (if any) and member a link is for, or the page explaining why not."""
    try:
        claim = tokens.read_token(token, action=action)
    except tokens.ExpiredToken:
        return _problem(request, "expired")
    except tokens.BadToken:
        return _problem(request, "forged")
    member = Profile.objects.select_related("user").filter(pk=claim.member_id).first()
    if member is None:
        return _problem(request, "forged")
    user_profile = getattr(request.user, "profile", None)
    if request.user.is_authenticated and user_profile and user_profile.pk != member.pk:
        return _problem(request, "not_yours")
    if claim.intro_id is None:
        return None, member
    intro = (
        Introduction.objects.select_related(
            "member_a__user",
            "member_a__specialty",
            "member_b__user",
            "member_b__specialty",
        )
        .filter(pk=claim.intro_id)
        .first()
    )
    if intro is None:
        return _problem(request, "closed")
    if member.pk not in (intro.member_a_id, intro.member_b_id):
        return _problem(request, "not_yours")
    return intro, member


def _claim_intro(
    request: HttpRequest, token: str, action: str
) -> tuple[Introduction, Profile] | HttpResponse:
    """As _claim, for a link that answers an introduction."""
    claimed = _claim(request, token, action)
    if isinstance(claimed, HttpResponse):
        return claimed
    intro, member = claimed
    if intro is None:
        # Genuinely signed, yet about no introduction: nothing to answer.
        return _problem(request, "forged")
    return intro, member


def _why_not(intro: Introduction, member: Profile) -> str:
    if intro.response_of(member):
        return "answered"
    if intro.expires_at is not None and timezone.now() >= intro.expires_at:
        return "expired"
    return "closed"


@require_http_methods(["GET", "POST"])
def link_answer(request: HttpRequest, token: str, action: str) -> HttpResponse:
    """Accept or decline from the email."""
    claimed = _claim_intro(request, token, action)
    if isinstance(claimed, HttpResponse):
        return claimed
    intro, member = claimed
    if not intro.can_answer(member, timezone.now()):
        return _problem(request, _why_not(intro, member))
    other = intro.other_member(member)
    if request.method == "GET":
        return render(
            request,
            "introductions/confirm.html",
            {
                "action": action,
                "other": other,
                "other_shown": profile_selectors.profile_shown(
                    profile=other, reader=member
                )
                if other is not None
                else None,
                "intro": intro,
                "reasons": [
                    (r.value, r.label) for r in Introduction.MEMBER_DECLINE_REASONS
                ],
            },
        )
    try:
        if action == tokens.ACCEPT:
            intro = services.intro_accept(intro=intro, member=member)
        else:
            reason = request.POST.get("reason", "")
            if reason not in Introduction.MEMBER_DECLINE_REASONS:
                reason = ""
            intro = services.intro_decline(intro=intro, member=member, reason=reason)
    except services.IntroTransitionError:
        intro.refresh_from_db()
        return _problem(request, _why_not(intro, member))
    connected = intro.state == Introduction.State.CONNECTED
    return render(
        request,
        "introductions/link_done.html",
        {
            "action": action,
            "intro": intro,
            "other": other,
            # The link's holder is its recipient, who has the same in the email.
            "other_email": other.user.email if connected and other else "",
            "slots": intro_slots(intro, member) if connected else [],
            "member": member,
            "member_zone": member.time_zone or "UTC",
        },
    )


@require_http_methods(["GET", "POST"])
def link_feedback(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    claimed = _claim_intro(request, token, tokens.FEEDBACK)
    if isinstance(claimed, HttpResponse):
        return claimed
    intro, member = claimed
    if answer not in Feedback.Met.values:
        return _problem(request, "forged")
    if intro.state != Introduction.State.CONNECTED:
        return _problem(request, "closed")
    if request.method == "GET":
        return render(
            request,
            "introductions/feedback.html",
            {
                "intro": intro,
                "other": intro.other_member(member),
                "answer": answer,
                "answer_label": Feedback.Met(answer).label,
                "ratings": range(1, 6),
            },
        )
    rating = request.POST.get("rating", "")
    services.feedback_record(
        intro=intro,
        member=member,
        met=answer,
        rating=int(rating) if rating in {"1", "2", "3", "4", "5"} else None,
    )
    return render(request, "introductions/link_done.html", {"action": "feedback"})


# Mail providers POST RFC 8058 one-click unsubscribes with no cookie and no CSRF
# token; the signed token is the credential.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def link_pause(request: HttpRequest, token: str) -> HttpResponse:
    claimed = _claim(request, token, tokens.PAUSE)
    if isinstance(claimed, HttpResponse):
        return claimed
    _, member = claimed
    if request.method == "GET":
        return render(request, "introductions/pause.html", {"member": member})
    profile_services.profile_pause(profile=member)
    return render(request, "introductions/link_done.html", {"action": "pause"})
