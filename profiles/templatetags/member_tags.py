from django import template

from profiles import panels, selectors
from profiles.models import Profile, User

register = template.Library()


@register.filter
def shown_to(member: Profile | None, reader: User | Profile | None):
    """`{% with shown=member|shown_to:reader %}`: what the reader may see of them."""
    if member is None:
        return None
    return selectors.profile_shown(profile=member, reader=reader)


@register.simple_tag
def panel_templates(place: str) -> list[str]:
    """What other apps show at this place of a profiles page (profiles/panels.py):
    `{% panel_templates "dashboard" as panels %}`, each to `{% include %}`."""
    return panels.templates(place)
