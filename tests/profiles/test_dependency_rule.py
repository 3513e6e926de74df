"""Profiles depends on no other app of ours, in its templates and reverse relations
too (import-linter checks its imports): matching → introductions → profiles."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from profiles import panels

ROOT = Path(settings.BASE_DIR)
# Tag libraries, template folders and reverse relation names of the other apps.
NAMING_ANOTHER_APP = re.compile(
    r"\{%\s*load\b[^%]*\b(introductions_tags|matching_tags)\b"
    r"|[\"'](introductions|matching|insights)/"
    r"|\bintros_as_[ab]\b|\bintroduction_set\b"
)


def _profiles_files():
    code = (ROOT / "profiles").rglob("*.py")
    yield from (p for p in code if "migrations" not in p.parts)
    yield from (ROOT / "templates" / "profiles").rglob("*.html")


@pytest.mark.parametrize(
    "path", sorted(_profiles_files()), ids=lambda p: str(p.relative_to(ROOT))
)
def test_profiles_names_no_app_built_on_it(path):
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if NAMING_ANOTHER_APP.search(line)
    ]
    assert found == []


def test_the_apps_built_on_profiles_register_their_parts_of_its_pages():
    assert panels.templates(panels.DASHBOARD) == [
        "introductions/_dashboard_panel.html",
        "matching/_dashboard_panel.html",
    ]
    assert panels.templates(panels.MEMBER_PAGE) == [
        "introductions/_safety_actions.html"
    ]


def test_a_page_has_only_the_places_profiles_made():
    with pytest.raises(ValueError, match="no place 'sidebar'"):
        panels.register("sidebar", "introductions/_dashboard_panel.html")
