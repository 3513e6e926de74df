"""The house look as template tags: the logo, member avatars, icons, and the site's
own name, domain and contact address (for pages and emails alike).

Everything here is inline SVG or plain markup with classes: the CSP allows no inline
style, so a member's colour is one of the stylesheet's eight avatar classes.
"""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

AVATAR_COLOURS = 8

# 24×24, stroked with currentColor so they take the text colour around them.
ICONS = {
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "check": '<circle cx="12" cy="12" r="9"/><path d="m8 12.5 2.5 2.5L16 9.5"/>',
    "circle": '<circle cx="12" cy="12" r="9"/>',
    "arrow-right": '<path d="M5 12h14M13 6l6 6-6 6"/>',
    "shield": '<path d="M12 3 5 6v5c0 4.5 3 8.3 7 10 4-1.7 7-5.5 7-10V6l-7-3Z"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/>'
    '<path d="M3 10h18M8 3v4M16 3v4"/>',
}

LOGO_PATHS = (
    '<rect width="32" height="32" rx="8" fill="#5b3fa6"/>'
    '<path d="M16 9V6.5c0-1.6 1.2-2.7 3-2.7" fill="none" stroke="#fff" '
    'stroke-width="1.6" stroke-linecap="round"/>'
    '<g fill="#fff"><circle cx="10.5" cy="12.5" r="3"/>'
    '<circle cx="16" cy="12.5" r="3"/>'
    '<circle cx="21.5" cy="12.5" r="3"/><circle cx="13.25" cy="17.75" r="3"/>'
    '<circle cx="18.75" cy="17.75" r="3"/><circle cx="16" cy="23" r="3"/></g>'
)


@register.simple_tag
def logo_mark() -> SafeString:
    """The grape-cluster mark; decorative, since the wordmark beside it names it."""
    return mark_safe(  # noqa: S308 - a constant of this module
        '<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false">'
        f"{LOGO_PATHS}</svg>"
    )


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    """An inline icon; decorative unless a label is given."""
    paths = ICONS[name]
    if label:
        return format_html(
            '<svg viewBox="0 0 24 24" role="img" aria-label="{}" fill="none" '
            'stroke="currentColor" stroke-width="2" stroke-linecap="round" '
            'stroke-linejoin="round">{}</svg>',
            label,
            mark_safe(paths),  # noqa: S308 - a constant of this module
        )
    return format_html(
        '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round">{}</svg>',
        mark_safe(paths),  # noqa: S308 - a constant of this module
    )


def initials(name: str) -> str:
    """Up to two letters: the first of the first and the last word ("Dr." aside)."""
    words = [w for w in name.replace(".", " ").split() if w.lower() != "dr"]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.simple_tag
def avatar(member, size: str = "") -> SafeString:
    """A member's initials on a colour of their own, the same wherever they appear.

    Decorative: the member's name is always written next to it.
    """
    if member is None:
        return format_html(
            '<span class="avatar c0 {}" aria-hidden="true">?</span>', size
        )
    colour = f"c{member.pk % AVATAR_COLOURS}"
    return format_html(
        '<span class="avatar {} {}" aria-hidden="true">{}</span>',
        colour,
        size,
        initials(member.name),
    )


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def site_domain() -> str:
    """The public host name, from SITE_URL: never the host a request came in on."""
    return urlsplit(settings.SITE_URL).netloc


@register.simple_tag
def site_url(path: str = "") -> str:
    """An absolute address on the public site, for emails (e.g. "/privacy/")."""
    return settings.SITE_URL + path


@register.simple_tag
def contact_email() -> str:
    return settings.CONTACT_EMAIL


@register.simple_tag
def site_link(url_name: str) -> str:
    """An absolute address of a named page on the public site, for emails."""
    return settings.SITE_URL + reverse(url_name)


@register.simple_tag
def mail_footer_contact() -> str:
    """Who sends our emails and their postal address (MAIL_FOOTER_CONTACT)."""
    return settings.MAIL_FOOTER_CONTACT
