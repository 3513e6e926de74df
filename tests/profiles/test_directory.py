import pytest
from django.urls import reverse
from django.utils import timezone

from profiles import services
from profiles.factories import (
    GoalKindFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    SpecialtyFactory,
)

pytestmark = pytest.mark.django_db


def _onboarded(**kwargs):
    profile = ProfileFactory(onboarded_at=timezone.now(), **kwargs)
    services.profiles_refresh_search_vectors(profile_ids=[profile.pk])
    return profile


def test_the_directory_stays_within_ten_queries_with_200_members(
    member_client, interests, django_assert_max_num_queries, settings
):
    settings.DIRECTORY_PAGE_SIZE = 50
    kind = GoalKindFactory()
    for n in range(200):
        profile = _onboarded(interests=interests[n % 2 : n % 2 + 3])
        MemberGoalFactory(profile=profile, kind=kind)
    with django_assert_max_num_queries(10):
        response = member_client.get(reverse("directory"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 200
    with django_assert_max_num_queries(10):
        response = member_client.get(
            reverse("directory"),
            {"q": "journalism", "interest": interests[1].slug, "page": 2},
        )
    assert response.status_code == 200


def test_it_finds_members_by_name_interest_specialty_and_goal(member_client):
    journalism = InterestFactory(name="Medical journalism")
    cardiology = SpecialtyFactory(name="Cardiology")
    writer = _onboarded(display_name="Dr. Grace Hopper", interests=[journalism])
    cardiologist = _onboarded(display_name="Dr. Alan Turing", specialty=cardiology)
    mentor = _onboarded(display_name="Dr. Barbara Liskov")
    MemberGoalFactory(
        profile=mentor,
        kind=GoalKindFactory(name="Startup co-founder"),
        direction="offer",
    )
    services.profiles_refresh_search_vectors(profile_ids=[mentor.pk])

    def names(**params):
        response = member_client.get(reverse("directory"), params)
        return {p.display_name for p in response.context["page"].object_list}

    assert names(q="hopper") == {writer.display_name}
    assert names(q="Medical Journalism") == {writer.display_name}
    assert names(q="cardiology") == {cardiologist.display_name}
    assert names(q="co-founder") == {mentor.display_name}
    assert names(interest=journalism.slug) == {writer.display_name}
    assert names(specialty="cardiology") == {cardiologist.display_name}


def test_a_search_lists_name_and_specialty_matches_first_then_the_rest_by_name(
    member_client, settings
):
    settings.DIRECTORY_PAGE_SIZE = 2
    cardiology = SpecialtyFactory(name="Cardiology")
    research = InterestFactory(name="Cardiology research")
    by_specialty = [
        _onboarded(display_name=f"Dr. {name}", specialty=cardiology)
        for name in ("Zora Zee", "Yusuf Yi", "Mia Moss")
    ]
    by_interest = [
        _onboarded(display_name=f"Dr. {name}", interests=[research])
        for name in ("Abel Ash", "Bea Bond")
    ]
    _onboarded(display_name="Dr. Nobody Else")

    listed = []
    for page in (1, 2, 3):
        response = member_client.get(
            reverse("directory"), {"q": "cardiology", "page": page}
        )
        assert response.context["page"].paginator.count == 5
        listed += [p.display_name for p in response.context["page"].object_list]

    # Within each tier by name; the pages join the tiers without gap or repeat.
    assert listed == sorted(p.display_name for p in by_specialty) + sorted(
        p.display_name for p in by_interest
    )


def test_a_name_search_finds_the_named_member_before_mentions_in_bios(
    member_client,
):
    mention = _onboarded(display_name="Dr. Ada Archer", bio="Trained with Dr. Quist.")
    named = _onboarded(display_name="Dr. Zed Quist")

    response = member_client.get(reverse("directory"), {"q": "quist"})

    assert list(response.context["page"].object_list) == [named, mention]


def test_it_never_lists_the_viewer_or_members_who_have_not_finished(
    member_client, member
):
    ProfileFactory(display_name="Half-done Member", onboarded_at=None)
    response = member_client.get(reverse("directory"))
    listed = list(response.context["page"].object_list)
    assert member not in listed
    assert "Half-done Member" not in response.text


def test_the_htmx_search_swaps_only_the_results(member_client, other_member):
    response = member_client.get(
        reverse("directory"),
        headers={"HX-Request": "true", "HX-Target": "directory-results"},
    )
    assert response.text.lstrip().startswith('<section id="directory-results"')
    assert "Dr. Other Person" in response.text


def test_a_page_number_past_the_end_shows_the_last_page(member_client, other_member):
    response = member_client.get(reverse("directory"), {"page": "999"})
    assert response.status_code == 200
    response = member_client.get(reverse("directory"), {"page": "abc"})
    assert response.status_code == 200


def test_a_broad_search_counts_only_up_to_the_cap(member_client, interests, settings):
    settings.DIRECTORY_COUNT_CAP = 5
    settings.DIRECTORY_PAGE_SIZE = 2
    for _ in range(8):
        _onboarded(interests=interests[:3])
    response = member_client.get(reverse("directory"))
    assert "More than 5 members" in response.text
    assert "Page 1</span>" in response.text
    settings.DIRECTORY_COUNT_CAP = 50
    response = member_client.get(reverse("directory"))
    assert "8 members" in response.text
    assert "Page 1 of 4" in response.text


def test_an_unknown_tag_in_a_filter_matches_nobody(member_client, interests):
    _onboarded(interests=interests[:3])
    response = member_client.get(
        reverse("directory"), {"interest": [interests[0].slug, "no-such-tag"]}
    )
    assert response.context["page"].paginator.count == 0


def test_retiring_a_tag_removes_it_from_the_cached_filters(
    member_client, interests, django_capture_on_commit_callbacks
):
    _onboarded(interests=interests[:3])
    assert interests[0].slug in member_client.get(reverse("directory")).text
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_retire(interest=interests[0])
    assert interests[0].slug not in member_client.get(reverse("directory")).text


def test_the_filter_form_keeps_the_choices_made_and_escapes_names(member_client):
    cardiology = SpecialtyFactory(name="Cardiology")
    SpecialtyFactory(name="Dermatology")
    odd = InterestFactory(name='<script>"x"</script> & co')
    plain = InterestFactory(name="Medical journalism")
    _onboarded(interests=[odd, plain], specialty=cardiology)

    text = member_client.get(
        reverse("directory"), {"specialty": cardiology.slug, "interest": plain.slug}
    ).text

    assert f'<option value="{cardiology.slug}" selected>Cardiology</option>' in text
    assert '<option value="dermatology">Dermatology</option>' in text
    assert f'value="{plain.slug}" checked> Medical journalism' in text
    assert (
        f'value="{odd.slug}"> &lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; co'
        in (text)
    )
    assert "<script>" not in text.split("<main", 1)[-1]


def test_a_card_shows_the_first_eight_public_tags_alphabetically(member_client):
    tags = [InterestFactory(name=f"Topic {letter}") for letter in "JIHGFEDCBA"]
    _onboarded(display_name="Dr. Many Tags", interests=tags)

    text = member_client.get(reverse("directory"), {"q": "many"}).text

    shown = [f"Topic {letter}" for letter in "ABCDEFGH"]
    assert "".join(f'<li class="tag">{name}</li>' for name in shown) in text
    assert '<li class="tag">Topic I</li>' not in text


def test_a_search_broader_than_the_cap_is_remembered_and_a_narrow_one_is_not(
    member_client, interests, settings
):
    settings.DIRECTORY_COUNT_CAP = 2
    broad = [_onboarded(interests=interests[:3]) for _ in range(4)]
    narrow = _onboarded(display_name="Dr. Rare Name", interests=interests[1:4])

    def count_text(**params):
        text = member_client.get(reverse("directory"), params).text
        return text.split('<p class="count">', 1)[1].split("</p>", 1)[0]

    assert count_text(interest=interests[0].slug) == "More than 2 members"
    assert count_text(q="rare") == "1 member"

    for profile in broad:
        profile.listed_in_directory = False
        profile.save()
    _onboarded(display_name="Dr. Rare Again", interests=interests[1:4])

    # Counting the broad search again would cost as much as the first time;
    # "more than the cap" stays true long enough to be remembered.
    assert count_text(interest=interests[0].slug) == "More than 2 members"
    assert count_text(q="rare") == "2 members"
    assert narrow.display_name in member_client.get(reverse("directory")).text


def test_the_specialty_filter_includes_its_subspecialties_and_goal_either_side(
    member_client,
):
    # Names the seeded taxonomy does not have: the factory reuses a known slug.
    cardiology = SpecialtyFactory(name="Zz heart medicine")
    interventional = SpecialtyFactory(name="Zz heart catheters", parent=cardiology)
    mentoring = GoalKindFactory(name="Mentorship")
    seeker = _onboarded(display_name="Dr. Seeking", specialty=interventional)
    offerer = _onboarded(display_name="Dr. Offering", specialty=cardiology)
    MemberGoalFactory(profile=seeker, kind=mentoring, direction="seek")
    MemberGoalFactory(profile=offerer, kind=mentoring, direction="offer")
    _onboarded(display_name="Dr. Elsewhere")

    def names(**params):
        response = member_client.get(reverse("directory"), params)
        return [p.display_name for p in response.context["page"].object_list]

    assert names(specialty=cardiology.slug) == ["Dr. Offering", "Dr. Seeking"]
    assert names(specialty=interventional.slug) == ["Dr. Seeking"]
    assert names(goal=mentoring.slug) == ["Dr. Offering", "Dr. Seeking"]
    assert names(goal="no-such-goal") == []
