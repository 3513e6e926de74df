"""Editing tags and profiles in the admin keeps the directory's search right."""

import pytest
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone

from profiles import services
from profiles.factories import InterestFactory, ProfileFactory
from profiles.models import Interest

pytestmark = pytest.mark.django_db


def _form_data(response) -> dict:
    """What the admin's change page would post back untouched."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value, key = form[name].value(), form.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(field.widget, MultiWidget):
                # Dates and times: the admin splits them into a box each.
                parts = field.widget.decompress(value)
                assert parts is not None
                # Django's MultiWidget has widgets_names; the stubs leave it out.
                names = field.widget.widgets_names  # type: ignore[attr-defined]
                for suffix, part in zip(names, parts, strict=True):
                    data[key + suffix] = part
            else:
                data[key] = value
    return data


def _edit(admin_client, url: str, **changes):
    data = _form_data(admin_client.get(url))
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    return response


@pytest.fixture
def tag():
    return InterestFactory(name="Wilderness medicine zz")


@pytest.fixture
def holder(tag, interests):
    profile = ProfileFactory(
        display_name="Dr. Tag Holder",
        interests=[tag, *interests[:3]],
        onboarded_at=timezone.now(),
    )
    services.profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return profile


def _found(member_client, query: str) -> set[str]:
    response = member_client.get(reverse("directory"), {"q": query})
    return {p.display_name for p in response.context["page"].object_list}


def _tag_url(tag: Interest) -> str:
    return reverse("admin:profiles_interest_change", args=[tag.pk])


def test_a_tag_made_sensitive_in_the_admin_no_longer_finds_its_holders(
    admin_client, member_client, holder, tag, django_capture_on_commit_callbacks
):
    assert _found(member_client, "wilderness zz") == {"Dr. Tag Holder"}
    assert tag.slug in member_client.get(reverse("directory")).text

    with django_capture_on_commit_callbacks(execute=True):
        _edit(admin_client, _tag_url(tag), sensitive="on")

    tag.refresh_from_db()
    assert tag.sensitive
    assert _found(member_client, "wilderness zz") == set()
    assert tag.slug not in member_client.get(reverse("directory")).text


def test_a_tag_renamed_in_the_admin_finds_its_holders_by_the_new_name(
    admin_client, member_client, holder, tag, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _edit(admin_client, _tag_url(tag), name="Expedition medicine zz")

    assert _found(member_client, "expedition zz") == {"Dr. Tag Holder"}
    assert _found(member_client, "wilderness zz") == set()
    assert "Expedition medicine zz" in member_client.get(reverse("directory")).text


def test_a_tags_status_and_merge_are_changed_only_by_the_actions(
    admin_client, holder, tag, interests
):
    response = admin_client.get(_tag_url(tag))
    assert "status" not in response.context["adminform"].form.fields
    assert "merged_into" not in response.context["adminform"].form.fields

    _edit(
        admin_client,
        _tag_url(tag),
        status=Interest.Status.RETIRED,
        merged_into=interests[0].pk,
    )

    tag.refresh_from_db()
    assert tag.status == Interest.Status.ACTIVE
    assert tag.merged_into is None
    assert holder.interests.filter(pk=tag.pk).exists()


def test_a_profile_edited_in_the_admin_is_found_by_what_it_now_says(
    admin_client, member_client, holder, tag
):
    url = reverse("admin:profiles_profile_change", args=[holder.pk])
    _edit(admin_client, url, display_name="Dr. Renamed Holder")
    assert _found(member_client, "renamed") == {"Dr. Renamed Holder"}

    data = _form_data(admin_client.get(url))
    links = [name for name in data if name.endswith("-interest")]
    tag_link = next(name for name in links if data[name] == tag.pk)
    data[tag_link.removesuffix("interest") + "DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302

    assert _found(member_client, "wilderness zz") == set()
