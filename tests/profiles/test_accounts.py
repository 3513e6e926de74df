import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from profiles.factories import TEST_PASSWORD, ProfileFactory, UserFactory
from profiles.models import Profile, User
from tests.outbox_delivery import deliver_pending

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.doc@example.org",
    "password1": "a-long-secret-9",
    "password2": "",
}


def _signup(client, **overrides):
    data = {**SIGNUP, "password2": SIGNUP["password1"], **overrides}
    response = client.post(reverse("account_signup"), data)
    deliver_pending()  # allauth's email goes through the outbox
    return response


def test_signing_up_creates_a_profile_and_asks_to_verify_the_email(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.doc@example.org")
    assert Profile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body


def test_the_verification_link_logs_in_and_starts_onboarding(client):
    _signup(client)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link
    path = link.group(0).split("testserver", 1)[-1]
    response = client.post(path)
    assert response.status_code == 302
    assert response.url == reverse("onboarding")
    assert EmailAddress.objects.get(email="new.doc@example.org").verified


def test_an_unverified_member_cannot_log_in(client):
    user = UserFactory(verified=False)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_verified_member_without_a_finished_profile_lands_in_onboarding(client):
    profile = ProfileFactory(onboarded_at=None)
    response = client.post(
        reverse("account_login"),
        {"login": profile.user.email, "password": TEST_PASSWORD},
    )
    assert response.url == reverse("onboarding")


def test_signing_up_with_a_members_address_looks_like_a_new_signup(client):
    # This asserted an "already registered" error, which told anyone whether an
    # address belongs to a member (issue 11): now the page is the one a new
    # signup gets, and the member is emailed instead.
    UserFactory(email="taken@example.org")

    taken = _signup(client, email="Taken@Example.org")
    fresh = _signup(client.__class__(), email="fresh@example.org")

    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    said = [
        [str(m).replace(address, "ADDRESS") for m in get_messages(r.wsgi_request)]
        for r, address in ((taken, "taken@example.org"), (fresh, "fresh@example.org"))
    ]
    assert said[0] == said[1]
    page = client.get(taken.url)
    assert "We sent an email to that address" in page.text
    assert "already" not in page.text.lower()
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    to_member = [m for m in mail.outbox if m.to == ["taken@example.org"]]
    assert len(to_member) == 1
    assert "already" in to_member[0].body.lower()


def test_password_reset_answers_the_same_for_an_unknown_address(client):
    user = UserFactory()

    known = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}
    )
    deliver_pending()  # allauth's email goes through the outbox

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert "If that address belongs to a member" in client.get(known.url).text
    # The member gets the reset; an address that is no member's gets nothing.
    assert [m.to for m in mail.outbox] == [[user.email]]


def _fail_login(client, email, ip):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong-password-1"},
        REMOTE_ADDR=ip,
    )


def test_a_stranger_failing_logins_cannot_lock_the_member_out(client):
    user = UserFactory()
    for _ in range(6):
        _fail_login(client, user.email, "203.0.113.66")
    assert (
        "Too many failed login attempts"
        in _fail_login(client, user.email, "203.0.113.66").text
    )

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )

    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_failed_logins_still_lock_that_account_from_that_address(client):
    user = UserFactory()
    for _ in range(5):
        _fail_login(client, user.email, "198.51.100.7")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text


def test_the_lockout_reads_the_client_address_behind_the_trusted_proxy(
    client, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()

    def log_in(password, client_ip):
        return client.post(
            reverse("account_login"),
            {"login": user.email, "password": password},
            headers={"X-Forwarded-For": client_ip},
            REMOTE_ADDR="10.0.0.2",  # the proxy, the same for everyone
        )

    for _ in range(6):
        log_in("wrong-password-1", "203.0.113.66")

    assert log_in(TEST_PASSWORD, "198.51.100.7").status_code == 302


def test_a_weak_or_mismatched_password_gets_a_form_error(client):
    response = _signup(client, password1="password", password2="password")
    assert response.status_code == 200
    assert "too common" in response.text
    response = _signup(client, password2="something-else-1")
    assert "same password" in response.text


def test_password_reset_sends_an_email(client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    deliver_pending()
    assert len(mail.outbox) == 1
    assert "password" in mail.outbox[0].subject.lower()


def test_allauth_rate_limits_are_on(settings):
    assert settings.ACCOUNT_RATE_LIMITS_ENABLED is True
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS["login_failed"]


def test_behind_a_proxy_login_limits_count_each_client_not_the_proxy(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()

    def log_in(client_ip):
        return client.post(
            reverse("account_login"),
            {"login": user.email, "password": TEST_PASSWORD},
            headers={"X-Forwarded-For": client_ip},
            REMOTE_ADDR="10.0.0.2",  # the proxy, the same for everyone
        )

    assert log_in("198.51.100.7").status_code == 302
    client.logout()
    assert log_in("198.51.100.7").status_code == 302
    client.logout()
    assert log_in("198.51.100.7").status_code == 429
    assert log_in("203.0.113.9").status_code == 302


def test_account_emails_use_the_house_layout_and_the_sites_own_name(client, settings):
    settings.SITE_URL = "https://grapevyne.example.org"
    settings.CONTACT_EMAIL = "help@example.org"

    _signup(client)

    (message,) = mail.outbox
    assert message.subject == "[Grapevyne] Confirm your email address"
    assert "Hello from" not in message.body
    assert "testserver" not in message.body.split("--\n", 1)[1]
    assert "Grapevyne · grapevyne.example.org" in message.body
    assert "help@example.org" in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'role="article"' in html
    assert "<h1" in html
    assert "Confirm your email address" in html
    assert "Grapevyne · grapevyne.example.org" in html
    assert "https://grapevyne.example.org/privacy/" in html
    assert "is an email address for user" not in html


def test_the_password_reset_email_is_branded_too(client, settings):
    settings.SITE_URL = "https://grapevyne.example.org"
    user = UserFactory()

    client.post(reverse("account_reset_password"), {"email": user.email})
    deliver_pending()

    (message,) = mail.outbox
    assert message.subject == "[Grapevyne] Reset your password"
    assert "Hello from" not in message.body
    html, _ = message.alternatives[0]
    assert "Choose a new password" in html
    assert "Grapevyne · grapevyne.example.org" in html
