"""Names, cities and institutions must read as what they are: NFKC-normalised,
with a visible letter, never reversed by direction controls."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from profiles.validators import (
    BIDI_CONTROLS,
    normalise_text,
    validate_visible_text,
)

from .test_views import _about_data

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
invisible = st.text(
    alphabet=st.sampled_from(ZERO_WIDTH)
    | st.characters(categories=["Mn", "Me", "Zs", "Cf"]),
    min_size=1,
    max_size=20,
)
letters = st.characters(categories=["Lu", "Ll", "Lo"]).filter(
    lambda ch: ch not in "\u115f\u1160\u3164\uffa0"
)
plain_names = st.text(
    alphabet=letters | st.sampled_from(" .'-"), min_size=1, max_size=40
).filter(lambda s: any(unicodedata.category(c).startswith("L") for c in s))


def _refused(value: str) -> bool:
    try:
        validate_visible_text(normalise_text(value), what="The name")
    except ValidationError:
        return True
    return not normalise_text(value)


@given(invisible)
def test_text_made_only_of_invisible_or_combining_characters_is_refused(value):
    assert _refused(value)


@given(plain_names, st.sampled_from(sorted(BIDI_CONTROLS)), st.integers(0, 40))
def test_a_direction_override_anywhere_is_refused(name, control, at):
    assert _refused(name[:at] + control + name[at:])


@given(plain_names)
def test_a_name_with_a_letter_is_kept_and_normalising_is_idempotent(name):
    value = normalise_text(name)
    validate_visible_text(value, what="The name")
    assert normalise_text(value) == value
    assert value == unicodedata.normalize("NFKC", value)


@given(st.text(max_size=60))
def test_whatever_is_accepted_has_a_visible_letter_and_no_direction_control(text):
    value = normalise_text(text)
    if not _refused(text):
        assert any(unicodedata.category(c).startswith("L") for c in value)
        assert not BIDI_CONTROLS & set(value)
        assert value == value.strip()


def test_full_width_letters_become_the_letters_they_look_like():
    assert normalise_text("Ｄｒ．\u200b Ａｄａ") == "Dr. Ada"


def test_names_in_other_scripts_are_welcome():
    for name in ("Zoë Ōkubo", "محمد", "Ngọc Ánh", "साक्षी", "Иван"):
        validate_visible_text(normalise_text(name))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["display_name", "city", "institution", "region"])
@pytest.mark.parametrize(
    "bad", ["\u200b\u200b", "\u0301\u0301", "Dr. \u202eevil", "\u2066Bob\u2069"]
)
def test_the_profile_form_explains_the_refusal_next_to_the_field(
    member_client, member, field, bad
):
    before = {f: getattr(member, f) for f in ("display_name", "city", "institution")}
    data = _about_data(specialty=member.specialty_id, **{field: bad})

    response = member_client.post(reverse("profile_edit"), data)

    assert response.status_code == 200
    assert f"id_{field}_error" in response.text
    assert (
        "visible letter" in response.text
        or "change the direction of the text" in response.text
    )
    member.refresh_from_db()
    assert {f: getattr(member, f) for f in before} == before


@pytest.mark.django_db
def test_the_profile_form_stores_the_normalised_name(member_client, member):
    data = _about_data(
        specialty=member.specialty_id, display_name="Ｄｒ．  Ada\u200b Lovelace"
    )

    response = member_client.post(reverse("profile_edit"), data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Dr. Ada Lovelace"
