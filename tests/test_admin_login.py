"""The admin is entered through allauth's login, its limits and lockout, and a
second factor: a verified email address and an authenticator app (TOTP)."""

from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse

from profiles.factories import TEST_PASSWORD, UserFactory
from tests.totp import totp_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def _path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def _in_admin(client) -> bool:
    return client.get(ADMIN).status_code == 200


def test_the_admin_login_page_sends_visitors_to_the_member_login(client):
    response = client.get(reverse("admin:login"), {"next": ADMIN})

    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('account_login')}?next=/admin/"


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True, totp=False)

    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": TEST_PASSWORD, "next": ADMIN},
    )

    assert _path(response) == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert not _in_admin(client)


def test_staff_enter_with_their_password_then_an_authenticator_code(client):
    staff = UserFactory(is_staff=True)

    to_login = client.get(ADMIN)
    assert _path(to_login) == reverse("admin:login")
    to_allauth = client.get(to_login.headers["Location"])
    assert to_allauth.headers["Location"] == (
        f"{reverse('account_login')}?next=/admin/"
    )
    password = client.post(
        reverse("account_login"),
        {"login": staff.email, "password": TEST_PASSWORD, "next": ADMIN},
    )
    # The password alone is not enough: allauth asks for the code first.
    assert _path(password) == reverse("mfa_authenticate")
    assert not _in_admin(client)

    code = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)}
    )

    assert code.headers["Location"] == ADMIN
    assert _in_admin(client)


def test_a_wrong_authenticator_code_keeps_staff_out(client):
    staff = UserFactory(is_staff=True)
    client.post(
        reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD}
    )

    right = totp_code(staff.totp_secret)
    response = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if right != "000000" else "1"}
    )

    assert response.status_code == 200
    assert not _in_admin(client)


def test_the_member_login_lockout_also_keeps_staff_out_of_the_admin(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    staff = UserFactory(is_staff=True, totp=False)
    for _ in range(3):
        client.post(
            reverse("account_login"), {"login": staff.email, "password": "wrong"}
        )

    client.post(
        reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD}
    )
    client.post(
        reverse("admin:login"), {"username": staff.email, "password": TEST_PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert not _in_admin(client)


def test_staff_without_an_authenticator_set_one_up_before_entering(client):
    staff = UserFactory(is_staff=True, is_superuser=True, totp=False)
    client.post(
        reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD}
    )

    to_login = client.get(ADMIN)
    to_setup = client.get(to_login.headers["Location"])
    assert _path(to_setup) == reverse("mfa_activate_totp")
    assert not _in_admin(client)

    # allauth asks for the password again before changing the second factor.
    assert _path(client.get(reverse("mfa_activate_totp"))) == reverse(
        "account_reauthenticate"
    )
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert _in_admin(client)


def test_staff_without_a_verified_email_are_kept_out(client):
    staff = UserFactory(is_staff=True, is_superuser=True, verified=False)
    client.force_login(staff)

    response = client.get(reverse("admin:login"), {"next": ADMIN})

    assert not _in_admin(client)
    assert _path(response) == reverse("account_email")


def test_a_member_who_is_not_staff_is_refused(client):
    member = UserFactory()
    client.force_login(member)

    assert client.get(reverse("admin:login")).status_code == 403
    assert not _in_admin(client)


def test_the_admin_login_never_redirects_off_site(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})

    assert response.headers["Location"] == reverse("admin:index")
