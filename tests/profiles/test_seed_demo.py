import zoneinfo
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from profiles.demo_data import DEMO_LOGIN, DEMO_PASSWORD
from profiles.forms import STAGES_FOR_ROLE
from profiles.models import CallWindow, MemberGoal, Profile, User

pytestmark = pytest.mark.django_db

DEMO_SUFFIX = "@demo.grapevyne.org"


def _seed(members: int, seed: int = 1) -> str:
    out = StringIO()
    call_command("seed_demo", members=members, seed=seed, stdout=out)
    return out.getvalue()


def _demo_profiles():
    return Profile.objects.filter(user__email__endswith=DEMO_SUFFIX)


def test_it_creates_the_requested_number_of_members():
    output = _seed(12)

    assert _demo_profiles().count() == 12
    assert User.objects.filter(email__endswith=DEMO_SUFFIX).count() == 12
    assert f"{DEMO_LOGIN} / {DEMO_PASSWORD}" in output


def test_running_again_with_the_same_number_adds_nobody():
    _seed(10)

    output = _seed(10)

    assert _demo_profiles().count() == 10
    assert User.objects.filter(email=DEMO_LOGIN).count() == 1
    assert "Created 0 demo members" in output


def test_a_larger_number_adds_only_the_difference():
    _seed(8)
    first_ids = set(_demo_profiles().values_list("pk", flat=True))

    _seed(13)

    assert _demo_profiles().count() == 13
    assert first_ids < set(_demo_profiles().values_list("pk", flat=True))
    assert User.objects.filter(email="demo0013@demo.grapevyne.org").exists()


def test_every_member_is_plausible():
    _seed(60)
    profiles = _demo_profiles().select_related("specialty", "user")
    zones = zoneinfo.available_timezones()

    for profile in profiles:
        assert profile.career_stage in STAGES_FOR_ROLE[profile.role]
        assert profile.time_zone in zones
        assert profile.city
        assert profile.country
        assert profile.onboarded_at is not None
        assert profile.bio
        assert profile.specialty is not None
        is_doctor = profile.display_name.startswith("Dr. ")
        assert is_doctor == (profile.role != Profile.Role.STUDENT)
        assert 4 <= profile.interests.count() <= 15
        assert profile.goals.filter(direction=MemberGoal.Direction.SEEK).count() >= 1
        assert 1 <= profile.call_windows.count() <= 3


def test_specialties_fit_the_role():
    _seed(60)
    profiles = list(_demo_profiles().select_related("specialty"))

    for profile in profiles:
        if profile.role == Profile.Role.RESIDENT:
            assert profile.specialty.parent_id is None
        if profile.role == Profile.Role.FELLOW:
            assert profile.specialty.parent_id is not None
        if profile.role != Profile.Role.STUDENT:
            assert profile.specialty.slug != "undecided"
    assert any(p.specialty.slug == "undecided" for p in profiles)


def test_a_goal_tied_to_an_interest_is_about_one_of_the_members_interests():
    _seed(40)
    tied = MemberGoal.objects.filter(
        profile__user__email__endswith=DEMO_SUFFIX, interest__isnull=False
    ).select_related("profile")

    assert tied.exists()
    for goal in tied:
        assert goal.profile.interests.filter(pk=goal.interest_id).exists()
        assert not goal.interest.sensitive


def test_nobody_seeks_and_offers_the_same_kind_of_goal():
    _seed(40)

    for profile in _demo_profiles():
        seeks = set(
            profile.goals.filter(direction="seek").values_list("kind", flat=True)
        )
        offers = set(
            profile.goals.filter(direction="offer").values_list("kind", flat=True)
        )
        assert not seeks & offers


def test_call_windows_start_before_they_end():
    _seed(20)

    windows = CallWindow.objects.filter(profile__user__email__endswith=DEMO_SUFFIX)
    assert windows.exists()
    assert all(w.start < w.end for w in windows)


def test_every_demo_account_has_a_verified_primary_email_and_the_demo_password():
    _seed(10)

    for user in User.objects.filter(email__endswith=DEMO_SUFFIX):
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()
        assert user.check_password(DEMO_PASSWORD)


def test_some_members_pick_sensitive_tags_but_not_most():
    _seed(100)

    with_sensitive = _demo_profiles().filter(interests__sensitive=True).distinct()
    assert 0 < with_sensitive.count() < 50


def test_members_live_in_more_than_one_country_and_time_zone():
    _seed(60)

    assert _demo_profiles().values("country").distinct().count() >= 3
    assert _demo_profiles().values("time_zone").distinct().count() >= 5


def test_the_demo_login_has_a_complete_profile(client):
    _seed(3)

    profile = Profile.objects.get(user__email=DEMO_LOGIN)
    assert profile.onboarded_at is not None
    assert profile.interests.count() >= 5
    assert profile.goals.count() >= 2
    assert profile.call_windows.exists()
    assert EmailAddress.objects.filter(email=DEMO_LOGIN, verified=True).exists()
    assert client.login(email=DEMO_LOGIN, password=DEMO_PASSWORD)


def test_an_existing_demo_login_is_left_alone():
    user = User.objects.create_user(email=DEMO_LOGIN, password="something-else-1")

    _seed(3)

    user.refresh_from_db()
    assert user.check_password("something-else-1")
    assert not Profile.objects.filter(user=user, onboarded_at__isnull=False).exists()


def test_new_members_are_searchable_in_the_directory():
    _seed(5)

    assert not _demo_profiles().filter(search_vector__isnull=True).exists()
    assert Profile.objects.get(user__email=DEMO_LOGIN).search_vector is not None


def test_a_negative_number_of_members_is_refused():
    with pytest.raises(CommandError, match="zero or more"):
        _seed(-1)
