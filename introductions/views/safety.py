"""Blocking and reporting a member (logged in)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from profiles import selectors as profile_selectors
from profiles.htmx import announce, varies_on_htmx
from profiles.http import MemberRequest
from profiles.models import Profile
from profiles.ratelimits import member_rate_limit

from .. import moderation
from ..models import Introduction, Report


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
