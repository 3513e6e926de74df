from django import template
from django.utils.dateformat import format as format_date

from profiles.models import Profile
from profiles.privacy import FORMER_MEMBER
from profiles.selectors import profile_completeness

from ..models import Introduction
from ..selectors import dashboard_intros, intro_with_member, next_matching_round

register = template.Library()


def dashboard_context(member: Profile, **extra) -> dict:
    """What the dashboard's "Introductions" section shows, for the tag and for the
    views that swap the section in after an answer."""
    sections = dashboard_intros(member=member)
    return {
        "sections": sections,
        "next_round": next_matching_round(),
        # The empty state's one button goes to the first thing the profile lacks.
        "completeness": None
        if sections["offered"]
        else profile_completeness(profile=member),
        "member": member,
        "member_zone": member.time_zone,
        "reasons": Introduction.DeclineReason.choices,
        **extra,
    }


@register.inclusion_tag("introductions/_dashboard.html", takes_context=True)
def dashboard_introductions(context) -> dict:
    """The dashboard's "Introductions" section for the signed-in member."""
    request = context["request"]
    # The dashboard has the profile already; other pages read it from the user.
    member = context.get("profile") or getattr(request.user, "profile", None)
    if member is None:
        return {"sections": None, "member_zone": "UTC"}
    return dashboard_context(
        member, request=request, csrf_token=context.get("csrf_token")
    )


@register.filter
def member_name(member: Profile | None) -> str:
    """The other side of an intro by name, or "a former member" once they left."""
    return member.name if member is not None else FORMER_MEMBER


@register.filter
def answer_by(intro: Introduction, member: Profile) -> str:
    """The day to answer by, on the member's own clock: "Saturday 12 December"."""
    deadline = intro.deadline_for(member)
    return format_date(deadline, "l j F") if deadline else ""


@register.inclusion_tag("introductions/_request_link.html", takes_context=True)
def intro_request_state(context, member: Profile) -> dict:
    """Ask for an introduction, or where the one between the viewer and this
    member stands, on the member's page."""
    viewer = getattr(context["request"].user, "profile", None)
    return {
        "member": member,
        "viewer": viewer,
        "card": intro_with_member(viewer=viewer, other=member) if viewer else None,
        "viewer_blocked": context.get("viewer_blocked"),
    }
