"""Password storage: Argon2id with OWASP's parameters, older hashes upgraded."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from grapevyne import settings as project_settings
from profiles.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def production_hashers(settings):
    # conftest swaps in MD5 to keep the suite fast; these tests need the real list.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    return settings


def test_new_passwords_are_argon2id_with_owasp_parameters(production_hashers):
    algorithm, variant, _version, params, *_ = make_password(TEST_PASSWORD).split("$")

    assert (algorithm, variant) == ("argon2", "argon2id")
    assert dict(p.split("=") for p in params.split(",")) == {
        "m": str(7 * 1024),
        "t": "5",
        "p": "1",
    }


def test_a_member_with_an_older_hash_logs_in_and_gets_it_upgraded(
    production_hashers, client, db
):
    old = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256", salt="oldsaltoldsaltold")
    user = UserFactory()
    user.password = old
    user.save(update_fields=["password"])

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert "m=7168,t=5,p=1" in user.password
