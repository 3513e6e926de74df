from django import template

from profiles.models import Profile
from profiles.privacy import FORMER_MEMBER

from ..models import Introduction
from ..selectors import dashboard_intros

register = template.Library()


@register.inclusion_tag("introductions/_dashboard.html", takes_context=True)
def dashboard_introductions(context) -> dict:
    """The dashboard's "Introductions" section for the signed-in member."""
    request = context["request"]
    member = getattr(request.user, "profile", None)
    sections = dashboard_intros(member=member) if member else None
    return {
        "sections": sections,
        "member_zone": (member.time_zone if member else "") or "UTC",
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "reasons": Introduction.DeclineReason.choices,
    }


@register.filter
def member_name(member: Profile | None) -> str:
    """The other side of an intro by name, or "a former member" once they left."""
    return member.name if member is not None else FORMER_MEMBER
