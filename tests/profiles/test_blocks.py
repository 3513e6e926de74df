"""Blocks: the model and its rules live in profiles; introductions acts on them."""

import pytest

from profiles import selectors, services
from profiles.factories import ProfileFactory
from profiles.models import Block

pytestmark = pytest.mark.django_db


def test_blocking_twice_keeps_one_block():
    a, b = ProfileFactory(), ProfileFactory()

    first = services.block_create(blocker=a, blocked=b)
    again = services.block_create(blocker=a, blocked=b)

    assert first.pk == again.pk
    assert Block.objects.count() == 1


def test_nobody_can_block_themselves():
    member = ProfileFactory()

    with pytest.raises(services.SelfBlock, match="yourself"):
        services.block_create(blocker=member, blocked=member)
    assert not Block.objects.exists()


def test_a_block_counts_either_way_for_pairing_but_is_its_authors():
    a, b, c = ProfileFactory(), ProfileFactory(), ProfileFactory()
    services.block_create(blocker=a, blocked=b)

    assert selectors.blocked_either_way(a_id=a.pk, b_id=b.pk)
    assert selectors.blocked_either_way(a_id=b.pk, b_id=a.pk)
    assert not selectors.blocked_either_way(a_id=a.pk, b_id=c.pk)
    assert selectors.has_blocked(user=a.user, blocked=b)
    assert not selectors.has_blocked(user=b.user, blocked=a)


def test_lifting_a_block_says_whether_there_was_one():
    a, b = ProfileFactory(), ProfileFactory()
    services.block_create(blocker=a, blocked=b)

    assert services.block_remove(blocker=a, blocked=b) is True
    assert services.block_remove(blocker=a, blocked=b) is False
    assert not selectors.blocked_either_way(a_id=a.pk, b_id=b.pk)
