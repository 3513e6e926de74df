from django import template

from profiles import selectors
from profiles.models import Profile, User

register = template.Library()


@register.filter
def shown_to(member: Profile | None, reader: User | Profile | None):
    """`{% with shown=member|shown_to:reader %}`: what the reader may see of them."""
    if member is None:
        return None
    return selectors.profile_shown(profile=member, reader=reader)
