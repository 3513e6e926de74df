"""What other apps show on profiles' pages, without profiles naming them.

The dashboard and a member's page belong to profiles, but parts of them belong to
the apps built on it: introductions' section of the dashboard and the safety
actions on a member's page (ask for an introduction, block, report), matching's
notice about the last round. Each such app registers a template for a place on a
page when it loads (its AppConfig.ready), as apps register their privacy sections
(profiles/privacy.py); the page includes what was registered there, in
registration order (INSTALLED_APPS order), with the page's own context. So
profiles' code and templates never name introductions or matching, and the
one-way dependency matching → introductions → profiles holds.
"""

DASHBOARD = "dashboard"  # under the greeting, above the profile's own cards
MEMBER_PAGE = "member_page"  # at the foot of another member's profile
PLACES = (DASHBOARD, MEMBER_PAGE)

_registry: dict[str, list[str]] = {place: [] for place in PLACES}


def register(place: str, template_name: str) -> None:
    """Show `template_name` at `place` on profiles' pages. Registering it twice
    (apps loading again in a test) shows it once."""
    if place not in _registry:
        raise ValueError(f"Profiles' pages have no place {place!r}: one of {PLACES}")
    if template_name not in _registry[place]:
        _registry[place].append(template_name)


def templates(place: str) -> list[str]:
    return list(_registry[place])
