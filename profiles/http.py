"""The request as a member's views receive it, typed."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class MemberRequest(HttpRequest):
    """A request that passed @login_required, so its user is a member's login and
    never AnonymousUser; `htmx` is set on every request by HtmxMiddleware."""

    user: User
    htmx: HtmxDetails
