"""The admin site: staff sign in through allauth, like members, and need more.

Django's own admin login form would skip allauth's rate limits and lockout, so the
admin has none: /admin/login/ sends the visitor to allauth's login and back. Staff
enter only with a verified email address and an authenticator app (allauth's TOTP),
since the admin shows sensitive tags, reports and decline reasons.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


def staff_email_verified(user) -> bool:
    return EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()


def staff_has_totp(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def staff_may_enter(user) -> bool:
    """Active staff with a verified address and an authenticator app, in one query."""
    return (
        user.is_active
        and user.is_staff
        and Authenticator.objects.filter(
            user=user,
            type=Authenticator.Type.TOTP,
            user__emailaddress__email__iexact=user.email,
            user__emailaddress__verified=True,
        ).exists()
    )


class GrapevyneAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return staff_may_enter(request.user)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Send the visitor through allauth's login, then on to what is missing."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not staff_email_verified(user):
            messages.error(request, "Verify your email address to use the admin.")
            return HttpResponseRedirect(reverse("account_email"))
        if not staff_has_totp(user):
            messages.info(
                request,
                "Set up an authenticator app to use the admin: it will ask for a"
                " code each time you log in.",
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return HttpResponseRedirect(next_url)
