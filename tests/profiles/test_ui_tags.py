"""The house look's template tags: avatars, and the site's own name and domain."""

import pytest
from django.template import Context, Template

from profiles.models import Profile
from profiles.templatetags.ui import initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Okafor", "AO"),
        ("Dr. Lin Wei", "LW"),
        ("María José de la Cruz", "MC"),
        ("Eli", "E"),
        ("", "?"),
    ],
)
def test_initials_take_the_first_and_last_word(name, expected):
    assert initials(name) == expected


def test_a_members_avatar_colour_is_their_own_and_stable():
    render = Template("{% load ui %}{% avatar member %}").render

    first = render(Context({"member": Profile(pk=3, display_name="Ada Okafor")}))
    again = render(Context({"member": Profile(pk=3, display_name="Ada Okafor")}))
    next_one = render(Context({"member": Profile(pk=4, display_name="Ada Okafor")}))

    assert first == again
    assert 'class="avatar c3 "' in first
    assert 'class="avatar c4 "' in next_one
    assert 'aria-hidden="true">AO</span>' in first


def test_a_name_with_markup_is_escaped_in_the_avatar():
    member = Profile(pk=1, display_name="<b>Bold</b> Name")

    html = Template("{% load ui %}{% avatar member %}").render(
        Context({"member": member})
    )

    assert "<b>" not in html


def test_the_domain_comes_from_site_url_not_the_request(settings):
    settings.SITE_URL = "https://grapevyne.example.org"
    settings.SITE_NAME = "Grapevyne"

    html = Template("{% load ui %}{% site_name %} · {% site_domain %}").render(
        Context({})
    )

    assert html == "Grapevyne · grapevyne.example.org"
