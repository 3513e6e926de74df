from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from matching import selectors
from profiles.models import Block

pytestmark = pytest.mark.django_db


def excluded_id_pairs() -> set[tuple[int, int]]:
    ids = selectors.members_eligible().ids
    keys = selectors.excluded_pairs(ids)
    assert np.all(np.diff(keys) > 0), "keys must be sorted and distinct"
    n = len(ids)
    return {(int(ids[k // n]), int(ids[k % n])) for k in keys.tolist()}


@pytest.fixture
def three(make_member):
    return sorted((make_member() for _ in range(3)), key=lambda p: p.pk)


def test_nothing_is_excluded_between_strangers(three):
    assert excluded_id_pairs() == set()


@pytest.mark.parametrize(
    "state",
    [
        Introduction.State.CONNECTED,
        Introduction.State.EXPIRED,
        Introduction.State.WITHDRAWN,
        Introduction.State.OFFERED,
    ],
)
def test_a_pair_introduced_before_is_excluded_whatever_came_of_it(three, state):
    a, b, _ = three
    IntroductionFactory(
        member_a=a,
        member_b=b,
        state=state,
        created_at=timezone.now() - timedelta(days=900),
    )
    assert excluded_id_pairs() == {(a.pk, b.pk)}


def test_with_a_window_an_old_intro_no_longer_excludes(three, settings):
    settings.MATCHING_REINTRO_DAYS = 180
    a, b, c = three
    IntroductionFactory(
        member_a=a,
        member_b=b,
        state="connected",
        created_at=timezone.now() - timedelta(400),
    )
    IntroductionFactory(
        member_a=a,
        member_b=c,
        state="connected",
        created_at=timezone.now() - timedelta(30),
    )
    assert excluded_id_pairs() == {(a.pk, c.pk)}


def test_a_decline_excludes_the_pair_for_good_even_with_a_window(three, settings):
    settings.MATCHING_REINTRO_DAYS = 30
    a, b, c = three
    long_ago = timezone.now() - timedelta(days=400)
    IntroductionFactory(member_a=a, member_b=b, state="declined", created_at=long_ago)
    # Declined by one side, then withdrawn: still a decline.
    intro = IntroductionFactory(
        member_a=b, member_b=c, state="withdrawn", created_at=long_ago
    )
    intro.b_response = "declined"
    intro.save()
    assert excluded_id_pairs() == {(a.pk, b.pk), (b.pk, c.pk)}


@pytest.mark.parametrize("blocker_is_lower", [True, False])
def test_a_block_either_way_excludes_the_pair(three, blocker_is_lower):
    a, b, _ = three
    blocker, blocked = (a, b) if blocker_is_lower else (b, a)
    Block.objects.create(blocker=blocker, blocked=blocked)
    assert excluded_id_pairs() == {(a.pk, b.pk)}


def test_pairs_with_members_outside_the_round_are_left_out(three, make_member):
    a, _, _ = three
    paused = make_member(intro_frequency="paused")
    IntroductionFactory(member_a=a, member_b=paused, state="connected")
    assert excluded_id_pairs() == set()
