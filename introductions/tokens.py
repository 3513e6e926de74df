"""Signed links in introduction emails: they work without logging in.

A token carries the intro, the member it was sent to and the action, and is signed
with a salt per action, so an accept link can never be replayed as a decline link,
nor a link sent to one member used for another. Tokens expire (`max_age`); whether
the intro can still change is the services' business, not the token's.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

ACCEPT = "accept"
DECLINE = "decline"
FEEDBACK = "feedback"
PAUSE = "pause"
# One click back from an auto-pause; `ref` names the pause it undoes.
RESUME = "resume"
ACTIONS = (ACCEPT, DECLINE, FEEDBACK, PAUSE, RESUME)


class BadToken(Exception):
    """The link is forged, damaged, or made for another action."""


class ExpiredToken(BadToken):
    """The link was genuine but is too old."""


@dataclass(frozen=True)
class LinkClaim:
    action: str
    member_id: int
    intro_id: int | None
    ref: int | None = None


def _salt(action: str) -> str:
    return f"introductions.link.{action}"


def max_age(action: str) -> timedelta:
    if action in (ACCEPT, DECLINE):
        # A day of slack over the offer: the services decide whether it is still
        # open; the token only has to outlive the offer.
        return timedelta(days=settings.INTRO_OFFER_DAYS + 1)
    if action == FEEDBACK:
        return timedelta(days=settings.INTRO_FEEDBACK_LINK_DAYS)
    return timedelta(days=settings.INTRO_PAUSE_LINK_DAYS)


def make_token(
    *,
    action: str,
    member_id: int,
    intro_id: int | None = None,
    ref: int | None = None,
) -> str:
    if action not in ACTIONS:
        raise ValueError(f"Unknown link action {action!r}")
    payload = {"a": action, "m": member_id, "i": intro_id}
    if ref is not None:
        payload["r"] = ref
    return signing.dumps(payload, salt=_salt(action), compress=True)


def read_token(token: str, *, action: str) -> LinkClaim:
    try:
        payload = signing.loads(token, salt=_salt(action), max_age=max_age(action))
    except signing.SignatureExpired as exc:
        raise ExpiredToken(str(exc)) from exc
    except signing.BadSignature as exc:
        raise BadToken(str(exc)) from exc
    if not isinstance(payload, dict) or payload.get("a") != action:
        raise BadToken("The link was made for another action.")
    member_id, intro_id, ref = payload.get("m"), payload.get("i"), payload.get("r")
    if not isinstance(member_id, int) or not all(
        v is None or isinstance(v, int) for v in (intro_id, ref)
    ):
        raise BadToken("The link does not name a member.")
    return LinkClaim(action=action, member_id=member_id, intro_id=intro_id, ref=ref)
