from django import template

from profiles.models import Profile
from profiles.privacy import FORMER_MEMBER

from ..models import Introduction
from ..selectors import dashboard_intros

register = template.Library()


def dashboard_context(member: Profile, **extra) -> dict:
    """What the dashboard's "Introductions" section shows, for the tag and for the
    views that swap the section in after an answer."""
    return {
        "sections": dashboard_intros(member=member),
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
