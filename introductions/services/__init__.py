"""Every write of introductions, one module per concern.

- `proposals`: the pairs a matching round proposes, created in bulk.
- `lifecycle`: one service per state transition (offer, accept, decline, expire,
  withdraw, close), and the errors an impossible one raises.
- `deadlines`: what the clock does (offering proposed intros, the reminder, the
  follow-up, each intro's due deadline step).
- `feedback`: the answers to "Did you meet?".
- `requests`: introductions a member asks for.

Callers import this package (`from introductions import services`); the names
below are its whole public interface.
"""

from .deadlines import (
    intro_apply_deadlines,
    intro_follow_up,
    intro_remind,
    intros_offer_proposed,
)
from .feedback import feedback_record
from .lifecycle import (
    IntroTransitionError,
    NotPartOfIntro,
    intro_accept,
    intro_close_declined,
    intro_decline,
    intro_expire,
    intro_offer,
    intro_withdraw,
    intros_close_for_undeliverable,
    intros_withdraw_open,
)
from .proposals import (
    ProposedPair,
    introductions_create_proposed,
    introductions_propose,
)
from .requests import IntroRequestRefused, intro_request

__all__ = [
    "IntroRequestRefused",
    "IntroTransitionError",
    "NotPartOfIntro",
    "ProposedPair",
    "feedback_record",
    "intro_accept",
    "intro_apply_deadlines",
    "intro_close_declined",
    "intro_decline",
    "intro_expire",
    "intro_follow_up",
    "intro_offer",
    "intro_remind",
    "intro_request",
    "intro_withdraw",
    "introductions_create_proposed",
    "introductions_propose",
    "intros_close_for_undeliverable",
    "intros_offer_proposed",
    "intros_withdraw_open",
]
