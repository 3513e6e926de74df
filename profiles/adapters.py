from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from . import services


class AccountAdapter(DefaultAccountAdapter):
    """Grapevyne's only customisation of allauth: every new login gets a profile,
    and members who have not finished onboarding are taken back to it."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.profile_get_or_create(user=user)
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        profile = getattr(request.user, "profile", None)
        if profile is None or profile.onboarded_at is None:
            return reverse("onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("onboarding")
