from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags

from . import outbox, services


class AccountAdapter(DefaultAccountAdapter):
    """Grapevyne's only customisation of allauth: every new login gets a profile,
    members who have not finished onboarding are taken back to it, allauth's
    emails go out through the one outbox like every other email, and the
    failed-login lockout is per account and client."""

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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render with allauth's templates, then hand the message to the outbox."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (str(c) for c, kind in message.alternatives if kind == "text/html"),
                "",
            )
        if message.content_subtype == "html":
            html = message.body
        # Every email has a plain-text part, even one allauth renders as HTML only.
        text = message.body if message.content_subtype == "plain" else strip_tags(html)
        outbox.enqueue(
            outbox.AccountEmail(
                template_prefix=template_prefix,
                to_email=email,
                subject=message.subject,
                text_body=text,
                html_body=html,
                headers=dict(message.extra_headers),
            )
        )

    def confirm_email(self, request: HttpRequest, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.address_confirmed(
                user=email_address.user, email=email_address.email
            )
        return confirmed

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        """The failed-login lockout counts per account *and* client address, so a
        stranger who types a member's address wrong five times locks out only
        themself, never the member. The address is allauth's own reading of the
        client (TRUSTED_PROXY_COUNT), IPv6 taken by its /64 network as allauth's
        per-address limits do; those limits (10 failures a minute per address) still
        hold across accounts. allauth also clears this key after a password reset."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{ratelimit.get_ip(request)}"
