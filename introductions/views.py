"""Introduction pages: signed email links (no login needed) and dashboard actions.

A GET never changes anything (mail scanners open links): it shows a one-click
confirmation whose form POSTs. Every bad link gets a page saying what happened.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from profiles import selectors as profile_selectors
from profiles import services as profile_services
from profiles.htmx import announce, varies_on_htmx
from profiles.http import MemberRequest
from profiles.models import Profile
from profiles.ratelimits import member_rate_limit

from . import moderation, services, tokens
from .forms import IntroRequestForm
from .links import link_problem
from .models import Feedback, Introduction, Report
from .selectors import intro_slots
from .templatetags.introductions_tags import dashboard_context

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
        "Thank you: we have your answer, and nothing was changed. We will email "
        "you when there is news.",
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


# --- Dashboard (logged in) ---------------------------------------------------


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


# --- Blocking and reporting (logged in) ------------------------------------------


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is the problem?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything we should know (optional)",
        required=False,
        max_length=Report.DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only our admins read this. We never tell the member who "
        "reported them.",
    )
    intro = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _get_member_to_act_on(request: MemberRequest, pk: int) -> tuple[Profile, Profile]:
    """The signed-in member and the active member they act on; 404 otherwise.

    Only a member the viewer may see (profile_for_member), or one an introduction
    already named to them: these pages show the member's name, which a profile
    shown to connections only must not give away to anyone stepping through ids.
    """
    viewer = getattr(request.user, "profile", None)
    if viewer is None:
        raise Http404("No profile")
    other = profile_selectors.profile_for_member(viewer=request.user, pk=pk)
    if other is None:
        # A proposed intro has not been told to anyone yet: it names nobody.
        named = Introduction.objects.filter(Introduction.pair(viewer, pk)).exclude(
            state=Introduction.State.PROPOSED
        )
        if not named.exists():
            raise Http404("No such member")
        other = get_object_or_404(Profile, pk=pk, user__is_active=True)
    return viewer, other


def _safety_actions(
    request: MemberRequest, member: Profile, *, blocked: bool, notice: str
) -> HttpResponse:
    """The member's page, or its actions for htmx, after a block or unblock.

    A block is said once, by the block's own lasting line on the page; only an
    unblock, which leaves no such line, gets a message.
    """
    if request.htmx:
        response = render(
            request,
            "introductions/_safety_actions.html",
            {
                "member": member,
                "viewer_blocked": blocked,
                "notice": "" if blocked else notice,
            },
        )
        return announce(response, notice)
    if not blocked:
        messages.success(request, notice)
    return redirect(member)


@varies_on_htmx
@login_required
@require_http_methods(["GET", "POST"])
def member_block(request: MemberRequest, pk: int) -> HttpResponse:
    """Block a member: a confirmation page, whose form POSTs here."""
    viewer, other = _get_member_to_act_on(request, pk)
    if viewer.pk == other.pk:
        return render(
            request, "introductions/block_self.html", {"member": other}, status=400
        )
    if request.method == "GET":
        already = profile_selectors.has_blocked(user=request.user, blocked=other)
        return render(
            request,
            "introductions/block_confirm.html",
            {"member": other, "viewer_blocked": already},
        )
    moderation.block_member(blocker=viewer, blocked=other)
    return _safety_actions(
        request,
        other,
        blocked=True,
        notice=f"You blocked {other.name}. We will not introduce you to each other.",
    )


@varies_on_htmx
@login_required
@require_POST
def member_unblock(request: MemberRequest, pk: int) -> HttpResponse:
    viewer = getattr(request.user, "profile", None)
    if viewer is None:
        raise Http404("No profile")
    # A member can always lift their own block, even on someone since suspended
    # or hidden (they knew the name when blocking); anyone else is the usual 404,
    # or stepping through ids here would name every member.
    other = (
        Profile.objects.select_related("user")
        .filter(pk=pk, blocks_received__blocker=viewer)
        .first()
        or _get_member_to_act_on(request, pk)[1]
    )
    moderation.unblock_member(blocker=viewer, blocked=other)
    if not other.user.is_active and not request.htmx:
        messages.success(request, "Block removed.")
        return redirect("dashboard")
    return _safety_actions(
        request, other, blocked=False, notice=f"You unblocked {other.name}."
    )


def _intro_between(viewer: Profile, other: Profile, pk: int | None):
    if pk is None:
        return None
    return Introduction.objects.filter(Introduction.pair(viewer, other), pk=pk).first()


@varies_on_htmx
@login_required
@require_http_methods(["GET", "POST"])
@member_rate_limit("report")
def member_report(request: MemberRequest, pk: int) -> HttpResponse:
    """Report a member to the admins, from their page or from an introduction."""
    viewer, other = _get_member_to_act_on(request, pk)
    if viewer.pk == other.pk:
        return render(
            request, "introductions/report_self.html", {"member": other}, status=400
        )
    initial = {"intro": request.GET.get("intro")}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        moderation.report_member(
            reporter=viewer,
            reported=other,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            # An intro id that is not theirs is ignored, never an error to probe.
            intro=_intro_between(viewer, other, form.cleaned_data["intro"]),
        )
        if request.htmx:
            return render(
                request, "introductions/report_done.html#thanks", {"member": other}
            )
        return redirect(reverse("member_report_done", args=[other.pk]))
    template = "introductions/report_form.html"
    if request.htmx:
        template += "#report-form"
    return render(
        request,
        template,
        {"form": form, "member": other},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def member_report_done(request: MemberRequest, pk: int) -> HttpResponse:
    _, other = _get_member_to_act_on(request, pk)
    return render(request, "introductions/report_done.html", {"member": other})
