"""The door through which profiles' own emails (allauth's) reach the one outbox.

The outbox lives in `introductions`, which depends on profiles; profiles may not
import it back. So introductions registers its enqueue function here when the apps
load (IntroductionsConfig.ready), and allauth's adapter hands every message to it.
Without a registration sending fails loudly rather than falling back to a direct
send that would skip the outbox's rules (suppression, retries, webhooks).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class AccountEmail:
    """One of allauth's emails, rendered, for the outbox to write and send."""

    template_prefix: str
    to_email: str
    subject: str
    text_body: str
    html_body: str = ""
    headers: dict = field(default_factory=dict)


_enqueue: Callable[[AccountEmail], object] | None = None


def register(enqueue: Callable[[AccountEmail], object]) -> None:
    global _enqueue  # set once, when the apps load
    _enqueue = enqueue


def enqueue(email: AccountEmail) -> object:
    if _enqueue is None:
        raise ImproperlyConfigured(
            "No outbox is registered for account emails (introductions not loaded)."
        )
    return _enqueue(email)
