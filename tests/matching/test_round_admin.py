"""The round and introduction admin pages read as sentences, not as raw data."""

from django.urls import reverse

from introductions.models import Introduction

from .test_rounds import journalists, run_round  # noqa: F401 (a fixture)


def test_a_rounds_pairs_are_explained_in_sentences_with_rounded_scores(
    journalists,  # noqa: F811
    admin_client,
):
    round_ = run_round()
    pair = round_.pairs.get()
    content = admin_client.get(
        reverse("admin:matching_round_change", args=[round_.pk])
    ).content.decode()
    assert "Both care about" in content
    assert "Medical journalism" in content
    assert " is looking for mentorship" in content
    assert " offers it." in content
    assert f"{pair.score:.2f}" in content
    assert repr(pair.score) not in content
    # The sensitive interest is counted, never named; no JSON keys show.
    assert "1 private interest" in content
    assert "Burnout" not in content
    assert "shared_interests" not in content
    assert "reintro_days" not in content
    assert "weights" in content
    assert "exposure cap" in content


def test_an_intro_cannot_be_added_or_bulk_deleted_by_hand(
    journalists,  # noqa: F811
    admin_client,
):
    run_round()
    intro = Introduction.objects.get()
    assert (
        admin_client.get(reverse("admin:introductions_introduction_add")).status_code
        == 403
    )
    changelist = admin_client.get(
        reverse("admin:introductions_introduction_changelist")
    )
    assert "delete_selected" not in changelist.content.decode()
    response = admin_client.post(
        reverse("admin:introductions_introduction_changelist"),
        {"action": "delete_selected", "_selected_action": [intro.pk], "post": "yes"},
    )
    assert Introduction.objects.filter(pk=intro.pk).exists()
    assert response.status_code in (200, 302)
    detail = admin_client.get(
        reverse("admin:introductions_introduction_change", args=[intro.pk])
    ).content.decode()
    assert "Both care about" in detail
    assert "shared_sensitive_interests" not in detail
