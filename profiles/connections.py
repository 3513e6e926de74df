"""Who a member is connected with: introductions knows, profiles asks.

A profile shown only to connections (Profile.Visibility.CONNECTIONS) is shown to
the members its owner was introduced to and both accepted. Introductions, which
builds on profiles, registers how to find them when the apps load
(IntroductionsConfig.ready), so that profiles never reads its tables.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_connected_ids: Callable[..., set[int]] | None = None


def register(connected_ids: Callable[..., set[int]]) -> None:
    """`connected_ids(user=...)`: the profile ids of everyone in the user's
    connected introductions."""
    global _connected_ids  # set once, when the apps load
    _connected_ids = connected_ids


def connected_profile_ids(*, user) -> set[int]:
    if _connected_ids is None:
        raise ImproperlyConfigured(
            "Nothing tells profiles who is connected (introductions not loaded)."
        )
    return _connected_ids(user=user)
