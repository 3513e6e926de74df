"""The floor in a whole round: a member with no real reason to meet anyone is held
back, recorded, and told so kindly, rather than given a filler introduction."""

import pytest
from django.urls import reverse

from introductions.models import Introduction
from matching import services
from matching.models import LeftOut, Round, RoundPair
from profiles.models import Profile

from .conftest import interest_named

pytestmark = pytest.mark.django_db

POPULAR = ("Health policy", "Physician burnout", "Medical education")


def run_round() -> Round:
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    assert round_ is not None, "a real round is still running"
    return services.round_run_sync(round_id=round_.pk)


@pytest.fixture
def community(make_member, goal_kind, settings):
    """Two members with a real reason to meet, and two who share only the
    popular tags and goals on different topics."""
    # In a community this small every tag is rare by the default (10 holders);
    # here a tag the four all hold is widely held.
    settings.MATCHING_COMMON_TAG_MIN_MEMBERS = 4
    mentorship = goal_kind("Mentorship")
    wilderness = interest_named("Wilderness medicine")
    sickle = interest_named("Sickle cell disease")
    asylum = interest_named("Asylum evaluations")
    seeker = make_member([*POPULAR, wilderness], seeks=[(mentorship, wilderness)])
    mentor = make_member([*POPULAR, wilderness], offers=[(mentorship, wilderness)])
    filler_a = make_member([*POPULAR, sickle], seeks=[(mentorship, sickle)])
    filler_b = make_member([*POPULAR, asylum], offers=[(mentorship, asylum)])
    return seeker, mentor, filler_a, filler_b


def test_members_without_a_reason_to_meet_are_held_back_not_paired(community):
    seeker, mentor, filler_a, filler_b = community
    round_ = run_round()
    pairs = {
        frozenset((p.member_a_id, p.member_b_id))
        for p in RoundPair.objects.filter(round=round_)
    }
    assert pairs == {frozenset((seeker.pk, mentor.pk))}
    assert not Introduction.objects.filter(member_a__in=[filler_a, filler_b]).exists()
    held = dict(LeftOut.objects.filter(round=round_).values_list("member_id", "reason"))
    assert held == {
        filler_a.pk: LeftOut.Reason.NO_CANDIDATE,
        filler_b.pk: LeftOut.Reason.NO_CANDIDATE,
    }
    assert LeftOut.Reason.NO_CANDIDATE.label == "No good match this round"


def test_without_the_floor_the_same_two_would_have_been_paired(community, settings):
    # The control: the floor, not something else, keeps them apart.
    _, _, filler_a, filler_b = community
    settings.MATCHING_COMMON_TAG_MIN_MEMBERS = 100
    round_ = run_round()
    assert RoundPair.objects.filter(
        round=round_, member_a=min(filler_a, filler_b, key=lambda p: p.pk)
    ).exists()


def test_the_dashboard_tells_a_held_back_member_kindly(client, community):
    _, mentor, filler_a, _ = community
    run_round()
    client.force_login(filler_a.user)
    content = client.get(reverse("dashboard")).content.decode()
    assert "No good match this round" in content
    assert "rather wait than introduce you to someone at random" in content
    client.force_login(mentor.user)
    content = client.get(reverse("dashboard")).content.decode()
    assert "No introduction this round" not in content


def test_the_admin_lists_held_back_members_with_the_reason(admin_client, community):
    round_ = run_round()
    content = admin_client.get(
        reverse("admin:matching_round_change", args=[round_.pk])
    ).content.decode()
    assert "No good match this round" in content


@pytest.fixture
def small_pool_of_a_larger_membership(community, make_member, settings):
    """Four more members hold the popular tags but are paused: the round's pool
    has 4 holders of each, the membership 8."""
    for _ in range(4):
        make_member(POPULAR, intro_frequency=Profile.Frequency.PAUSED)
    return community


@pytest.mark.parametrize(
    ("min_members", "fillers_paired"),
    [
        # 8 holders in the membership reach 6: widely held, though 4 in the pool
        # would not; the fillers share nothing else.
        (6, False),
        # The control: below 9, 8 holders are few, and the fillers are paired.
        (9, True),
    ],
)
def test_widely_held_counts_the_whole_membership_not_the_pool(
    small_pool_of_a_larger_membership, settings, min_members, fillers_paired
):
    seeker, mentor, filler_a, filler_b = small_pool_of_a_larger_membership
    settings.MATCHING_COMMON_TAG_MIN_MEMBERS = min_members
    round_ = run_round()
    pairs = {
        frozenset((p.member_a_id, p.member_b_id))
        for p in RoundPair.objects.filter(round=round_)
    }
    assert frozenset((seeker.pk, mentor.pk)) in pairs
    assert (frozenset((filler_a.pk, filler_b.pk)) in pairs) is fillers_paired
