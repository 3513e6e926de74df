"""Sending through a provider with django-anymail (its test backend: no network)."""

import pytest
from django.core import mail

from introductions import outbox, services, tasks
from introductions.models import OutboxEmail
from profiles.models import SuppressedAddress

from .conftest import weekday_windows
from .flaky_provider import FlakyProviderBackend


@pytest.fixture
def provider(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


@pytest.fixture
def flaky_provider(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.introductions.flaky_provider.FlakyProviderBackend"
        }
    }
    FlakyProviderBackend.failures_left = 1
    yield FlakyProviderBackend
    FlakyProviderBackend.failures_left = 0


def offer_to(intro, member) -> OutboxEmail:
    return OutboxEmail.objects.get(intro=intro, recipient=member, kind="offer")


def test_an_email_goes_to_the_provider_with_its_headers_and_both_parts(
    provider, offered
):
    email = offer_to(offered, offered.member_a)

    assert outbox.outbox_send(outbox_id=email.pk) is True

    [message] = mail.outbox
    params = message.anymail_test_params
    assert [a.addr_spec for a in params["to"]] == [offered.member_a.user.email]
    headers = params["extra_headers"]
    assert headers["Message-ID"] == email.message_id
    assert headers["List-Unsubscribe"].startswith("<http")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert params["text_body"] == email.text_body
    assert params["html_body"] == email.html_body
    assert params["metadata"] == {"outbox_id": str(email.pk)}
    assert (params["track_opens"], params["track_clicks"]) == (False, False)


def test_the_providers_message_id_is_stored_on_the_row(provider, offered):
    email = offer_to(offered, offered.member_a)

    outbox.outbox_send(outbox_id=email.pk)

    email.refresh_from_db()
    [message] = mail.outbox
    assert email.provider_message_id == str(message.anymail_status.message_id)
    assert email.provider_message_id != ""


def test_the_connected_email_replies_to_the_other_member(provider, offered):
    for member in offered.members():
        weekday_windows(member)
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_accept(intro=offered, member=offered.member_b)
    email = OutboxEmail.objects.get(
        intro=offered, recipient=offered.member_a, kind="connected"
    )

    outbox.outbox_send(outbox_id=email.pk)

    [message] = mail.outbox
    reply_to = message.anymail_test_params["reply_to"]
    assert [a.addr_spec for a in reply_to] == [offered.member_b.user.email]


def test_a_provider_error_is_retried_and_the_email_sent_once(flaky_provider, offered):
    email = offer_to(offered, offered.member_a)

    with pytest.raises(outbox.OutboxSendError):
        outbox.outbox_send(outbox_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "503" in email.last_error

    # Eager task: its retry runs at once and sends.
    tasks.send_outbox_email.apply(args=[email.pk])
    tasks.send_outbox_email.apply(args=[email.pk])

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_an_address_the_provider_refuses_is_suppressed_without_retries(
    settings, offered
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.introductions.flaky_provider.RefusingProviderBackend"
        }
    }
    email = offer_to(offered, offered.member_a)

    assert outbox.outbox_send(outbox_id=email.pk) is False

    email.refresh_from_db()
    assert (email.status, email.delivery, email.attempts) == ("failed", "rejected", 1)
    suppression = SuppressedAddress.objects.get()
    assert suppression.email == offered.member_a.user.email.lower()
    assert suppression.reason == "rejected"
    assert outbox.outbox_send(outbox_id=email.pk) is False
