from django import template

from ..selectors import member_left_out_last_round

register = template.Library()


@register.inclusion_tag("matching/_round_notice.html", takes_context=True)
def round_notice(context) -> dict:
    """Why the latest round left the signed-in member without an introduction."""
    member = context.get("profile")
    if member is None:
        return {"reason": None}
    return {"reason": member_left_out_last_round(member=member)}
