import pytest
from django.urls import reverse

from profiles.factories import GoalKindFactory, InterestFactory, MemberGoalFactory
from profiles.models import Interest, MemberGoal

pytestmark = pytest.mark.django_db

MEMBER_PAGES = [
    "dashboard",
    "onboarding_about",
    "onboarding_interests",
    "onboarding_goals",
    "profile_edit",
    "profile_preferences",
    "profile_interests",
    "profile_goals",
    "directory",
]


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_ask_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_render_for_a_member(member_client, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["dashboard", "directory", "profile_interests", "profile_goals"]
)
def test_read_only_pages_refuse_a_post(member_client, name):
    assert member_client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    "name", ["interest_add", "interest_remove", "interest_suggest", "goal_add"]
)
def test_write_endpoints_refuse_a_get(member_client, name):
    assert member_client.get(reverse(name)).status_code == 405


def test_the_home_page_welcomes_visitors_and_sends_members_on(client, member):
    assert b"Join Grapevyne" in client.get("/").content
    client.force_login(member.user)
    assert client.get("/").url == reverse("dashboard")


def test_a_member_profile_is_for_members_only(client, member):
    url = member.get_absolute_url()
    assert client.get(url).status_code == 302
    client.force_login(member.user)
    assert client.get(url).status_code == 200


def test_a_member_profile_never_shows_the_email(member_client, other_member):
    response = member_client.get(other_member.get_absolute_url())
    assert response.status_code == 200
    assert other_member.user.email not in response.text
    assert "Dr. Other Person" in response.text


def test_an_unknown_member_gets_a_friendly_404(member_client):
    response = member_client.get(reverse("member_detail", args=[999999]))
    assert response.status_code == 404
    assert "couldn't find" in response.text


def test_the_bio_is_shown_escaped(member_client, member, other_member):
    other_member.bio = "<script>alert('x')</script> Loves <b>teaching</b>"
    other_member.save()
    response = member_client.get(other_member.get_absolute_url())
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text


def _about_data(**overrides):
    data = {
        "display_name": "Dr. Ada Lovelace",
        "role": "attending",
        "career_stage": "mid",
        "specialty": "",
        "institution": "St. Elsewhere",
        "city": "Boston",
        "region": "MA",
        "country": "US",
        "time_zone": "America/New_York",
        "bio": "Internist.",
        "npi": "",
    }
    data.update(overrides)
    return data


def test_the_about_form_saves_a_valid_profile(member_client, member):
    data = _about_data(specialty=member.specialty_id, npi="1234567893")
    response = member_client.post(reverse("profile_edit"), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Dr. Ada Lovelace"
    assert member.npi == "1234567893"
    page = member_client.get(reverse("profile_edit"))
    assert "NPI on file" in page.text


def test_a_wrong_npi_gets_a_clear_error_tied_to_its_field(member_client, member):
    data = _about_data(specialty=member.specialty_id, npi="1234567890")
    response = member_client.post(reverse("profile_edit"), data)
    assert response.status_code == 200
    assert "check digit does not match" in response.text
    assert 'aria-describedby="id_npi_helptext id_npi_error"' in response.text or (
        "id_npi_error" in response.text
    )
    assert 'value="1234567890"' in response.text
    member.refresh_from_db()
    assert member.npi == ""


def test_over_long_fields_and_wrong_choices_are_refused(member_client, member):
    data = _about_data(
        specialty=member.specialty_id,
        bio="x" * 1001,
        city="y" * 101,
        time_zone="Mars/Olympus_Mons",
        role="surgeon-general",
    )
    response = member_client.post(reverse("profile_edit"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"bio", "city", "time_zone", "role"}


def test_a_role_and_career_stage_must_agree(member_client, member):
    data = _about_data(
        specialty=member.specialty_id, role="student", career_stage="late"
    )
    response = member_client.post(reverse("profile_edit"), data)
    assert "For a medical student, pick one of" in response.text


def test_adding_and_removing_an_interest_without_javascript(member_client, member):
    extra = InterestFactory(name="Global surgery")
    next_url = reverse("onboarding_interests")
    response = member_client.post(
        reverse("interest_add"), {"interest": extra.slug, "next": next_url}
    )
    assert response.status_code == 302
    assert response.url == next_url
    assert member.interests.filter(pk=extra.pk).exists()

    member_client.post(reverse("interest_remove"), {"interest": extra.slug})
    assert not member.interests.filter(pk=extra.pk).exists()


def test_the_picker_swaps_a_partial_for_htmx(member_client, member):
    extra = InterestFactory(name="Global surgery")
    response = member_client.post(
        reverse("interest_add"),
        {"interest": extra.slug},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="picker"')
    assert "Global surgery" in response.text
    assert "<html" not in response.text


def test_too_many_interests_give_a_clear_error(member_client, member, settings):
    settings.MAX_INTERESTS = 3
    extra = InterestFactory()
    response = member_client.post(
        reverse("interest_add"),
        {"interest": extra.slug},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "at most 3 interests" in response.text
    assert not member.interests.filter(pk=extra.pk).exists()


def test_an_unknown_interest_is_refused_politely(member_client):
    response = member_client.post(reverse("interest_add"), {"interest": "nope"})
    assert response.status_code == 302
    follow = member_client.get(response.url)
    assert "That interest is not available." in follow.text


@pytest.mark.parametrize("page", ["profile_interests", "onboarding_interests"])
def test_a_full_picker_page_shows_each_message_once(member_client, page):
    member_client.post(
        reverse("interest_add"), {"interest": "nope", "next": reverse(page)}
    )
    response = member_client.get(reverse(page))
    assert response.text.count("That interest is not available.") == 1


def test_the_swapped_picker_carries_its_own_message(member_client):
    response = member_client.post(
        reverse("interest_add"), {"interest": "nope"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.text.count("That interest is not available.") == 1


def test_an_open_redirect_through_next_is_refused(member_client, interests):
    response = member_client.post(
        reverse("interest_add"),
        {"interest": interests[3].slug, "next": "https://evil.example/"},
    )
    assert response.url == reverse("profile_interests")


def test_search_as_you_type_returns_matching_tags(member_client):
    InterestFactory(name="Narrative podcasting for clinicians")
    response = member_client.get(
        reverse("interest_search"),
        {"q": "podcasting for"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Narrative podcasting for clinicians" in response.text
    assert 'id="tag-results"' in response.text


def test_a_suggested_tag_goes_to_the_admin_queue(member_client, category):
    response = member_client.post(
        reverse("interest_suggest"),
        {"name": "Zither therapy", "category": category.pk},
    )
    assert response.status_code == 302
    assert Interest.objects.get(name="Zither therapy").status == "pending"


def test_onboarding_needs_three_interests_before_goals(client, category):
    from profiles.factories import ProfileFactory

    profile = ProfileFactory(interests=[InterestFactory(category=category)])
    client.force_login(profile.user)
    response = client.post(reverse("onboarding_interests"), follow=True)
    assert "Pick at least 3 interests" in response.text
    assert response.request["PATH_INFO"] == reverse("onboarding_interests")


def test_finishing_onboarding_shows_ones_profile(member_client, member):
    member.onboarded_at = None
    member.save()
    response = member_client.post(reverse("onboarding_goals"))
    assert response.url == member.get_absolute_url()
    member.refresh_from_db()
    assert member.onboarded_at is not None


def test_a_goal_is_added_and_removed(member_client, member, interests):
    kind = GoalKindFactory(name="Mentorship")
    response = member_client.post(
        reverse("goal_add"),
        {"direction": "offer", "kind": kind.pk, "interest": interests[0].pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    goal = MemberGoal.objects.get(profile=member)
    assert f"Mentorship in {interests[0].name}" in response.text
    member_client.post(reverse("goal_remove", args=[goal.pk]))
    assert not MemberGoal.objects.filter(pk=goal.pk).exists()


def test_a_goal_form_without_a_direction_says_what_is_wrong(member_client):
    kind = GoalKindFactory()
    response = member_client.post(reverse("goal_add"), {"kind": kind.pk})
    assert response.status_code == 422
    assert "This field is required." in response.text


def test_a_member_cannot_remove_someone_elses_goal(member_client, other_member):
    goal = MemberGoalFactory(profile=other_member)
    response = member_client.post(reverse("goal_remove", args=[goal.pk]))
    assert response.status_code == 404
    assert MemberGoal.objects.filter(pk=goal.pk).exists()


def test_preferences_and_call_windows_are_saved(member_client, member):
    data = {
        "prefs-intro_frequency": "monthly",
        "prefs-paused_until": "",
        "prefs-max_open_intros": "3",
        "prefs-prefer_other_specialties": "on",
        "prefs-meeting_minutes": "30",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "14",
        "windows-0-weekday": "2",
        "windows-0-start": "12:00",
        "windows-0-end": "13:00",
    }
    response = member_client.post(reverse("profile_preferences"), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.intro_frequency == "monthly"
    assert member.prefer_other_specialties
    assert member.meeting_minutes == 30
    assert str(member.call_windows.get()) == "Wednesday 12:00–13:00"


def test_a_call_window_that_ends_before_it_starts_is_refused(member_client, member):
    data = {
        "prefs-intro_frequency": "weekly",
        "prefs-max_open_intros": "9",
        "prefs-meeting_minutes": "20",
        "prefs-paused_until": "2000-01-01",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-0-weekday": "2",
        "windows-0-start": "13:00",
        "windows-0-end": "12:00",
    }
    response = member_client.post(reverse("profile_preferences"), data)
    assert response.status_code == 200
    assert "The window must end after it starts." in response.text
    assert "Pick a date in the future" in response.text
    assert "less than or equal to 5" in response.text
    assert not member.call_windows.exists()


def test_a_merged_tag_address_redirects_to_the_survivor(member_client, interests):
    from profiles import services

    services.interest_merge(source=interests[0], target=interests[1])
    response = member_client.get(interests[0].get_absolute_url())
    assert response.status_code == 301
    assert response.url == interests[1].get_absolute_url()


@pytest.mark.parametrize(
    "name",
    [
        "onboarding_about",
        "onboarding_interests",
        "onboarding_goals",
        "profile_edit",
        "profile_preferences",
        "profile_interests",
        "profile_goals",
    ],
)
def test_every_post_form_carries_a_csrf_token_for_browsers_without_js(
    member_client, member, name
):
    MemberGoalFactory(profile=member)
    html = member_client.get(reverse(name), {"q": "a"}).text
    forms = html.count('<form method="post"')
    assert forms > 0
    assert html.count('name="csrfmiddlewaretoken"') == forms


def test_a_plain_post_with_the_pages_csrf_token_adds_an_interest(member, interests):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    page = client.get(reverse("profile_interests"), {"q": interests[3].name})
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    response = client.post(
        reverse("interest_add"),
        {"interest": interests[3].slug, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert member.interests.filter(pk=interests[3].pk).exists()


def test_tag_search_matches_at_word_starts_with_names_first(member_client):
    InterestFactory(name="Ai in radiology zz")
    InterestFactory(name="Chair zz", description="Leading a department")
    InterestFactory(name="Leadership zz", description="Ai governance")
    response = member_client.get(
        reverse("interest_search"), {"q": "ai"}, headers={"HX-Request": "true"}
    )
    names = [i.name for i in response.context["results"]]
    assert "Chair zz" not in names
    assert names.index("Ai in radiology zz") < names.index("Leadership zz")


def test_search_without_javascript_keeps_special_characters(member_client):
    response = member_client.get(reverse("interest_search"), {"q": "R&D #1"})
    assert response.url.endswith("?q=R%26D+%231")


def test_a_formset_claiming_a_thousand_windows_builds_at_most_fourteen(
    member_client, member
):
    data = {
        "prefs-intro_frequency": "weekly",
        "prefs-max_open_intros": "2",
        "prefs-meeting_minutes": "20",
        "windows-TOTAL_FORMS": "1000",
        "windows-INITIAL_FORMS": "0",
    }
    response = member_client.post(reverse("profile_preferences"), data)
    assert response.status_code == 200
    assert len(response.context["windows"].forms) <= 14


def test_search_as_you_type_reads_only_the_results(
    member_client, monkeypatch, django_assert_max_num_queries
):
    InterestFactory(name="Narrative podcasting for clinicians")

    def whole_table_count(**kwargs):
        raise AssertionError("the popular tags are not part of the results")

    monkeypatch.setattr(
        "profiles.selectors.interests.popular_interests_by_category",
        whole_table_count,
    )
    with django_assert_max_num_queries(4):
        response = member_client.get(
            reverse("interest_search"),
            {"q": "podcasting"},
            headers={"HX-Request": "true"},
        )
    assert "Narrative podcasting for clinicians" in response.text


def test_the_pickers_popular_tags_are_counted_once_and_cleared_by_curation(
    member_client, member, category, django_capture_on_commit_callbacks, monkeypatch
):
    from profiles import services
    from profiles.selectors import interests as selectors

    first = member_client.get(reverse("profile_interests"))
    assert "Podcasting" in first.text
    counted = selectors.popular_interests_by_category

    def not_again(**kwargs):
        raise AssertionError("counted again")

    monkeypatch.setattr(selectors, "popular_interests_by_category", not_again)
    again = member_client.get(reverse("profile_interests"))
    assert "+ Podcasting" in again.text

    monkeypatch.setattr(selectors, "popular_interests_by_category", counted)
    suggestion = InterestFactory(
        name="Zymology zz", category=category, status=Interest.Status.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_approve(interest=suggestion)
    assert "+ Zymology zz" in member_client.get(reverse("profile_interests")).text
