"""Per-member rate limits on writes, on top of allauth's limits on accounts.

Counters live in the cache (Redis), so they hold across web processes.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_ratelimit.core import is_ratelimited

MESSAGES = {
    "profile_edit": "You have made a lot of profile changes in the last hour.",
    "tag_suggest": "You have suggested many tags in the last hour.",
    "intro_request": "You have asked for many introductions recently.",
    "report": "You have sent many reports in the last hour.",
}


def member_rate_limit(group: str) -> Callable:
    """Limit a view's POSTs per member to settings.MEMBER_RATE_LIMITS[group].

    Over the limit the member gets a clear page (HTTP 429), or just the message for
    an htmx request, and nothing is written.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and is_ratelimited(
                request,
                group=group,
                key="user_or_ip",
                rate=settings.MEMBER_RATE_LIMITS[group],
                method="POST",
                increment=True,
            ):
                return too_many_requests(request, group)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request: HttpRequest, group: str) -> HttpResponse:
    message = f"{MESSAGES[group]} Please wait a while and try again."
    if getattr(request, "htmx", False):
        response = HttpResponse(
            f'<p class="message error" role="alert">{message}</p>',
            status=429,
            headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"},
        )
    else:
        response = render(
            request, "rate_limited.html", {"message": message}, status=429
        )
    patch_vary_headers(response, ["HX-Request"])
    return response
