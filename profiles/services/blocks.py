"""Blocks between members."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import (
    Block,
    Profile,
)


class SelfBlock(ValueError):
    """A member tried to block themselves; the message is safe to show them."""


@transaction.atomic
def block_create(
    *, blocker: Profile, blocked: Profile, now: datetime | None = None
) -> Block:
    """One member never wants to be introduced to the other, either way.

    Blocking twice is harmless. The blocked member is told nothing. What a block
    ends elsewhere (open introductions) is for the apps that own it.
    """
    if blocker.pk == blocked.pk:
        raise SelfBlock("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(
        blocker=blocker, blocked=blocked, defaults={"created_at": now or timezone.now()}
    )
    return block


@transaction.atomic
def block_remove(*, blocker: Profile, blocked: Profile) -> bool:
    """Lift a block; True when there was one."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)
