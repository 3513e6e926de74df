from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from introductions import outbox, services, tasks
from introductions.models import OutboxEmail

from .flaky_mail import FlakyBackend


@pytest.fixture
def flaky_smtp(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.introductions.flaky_mail.FlakyBackend"}
    }
    FlakyBackend.failures_left = 1
    yield FlakyBackend
    FlakyBackend.failures_left = 0


def offer_to(intro, member) -> OutboxEmail:
    return OutboxEmail.objects.get(intro=intro, recipient=member, kind="offer")


def test_the_email_row_is_written_with_the_state_change(offered):
    email = offer_to(offered, offered.member_a)

    assert email.status == "pending"
    assert email.to_email == offered.member_a.user.email
    assert email.message_id == f"<outbox-{email.pk}@grapevyne>"


def test_the_send_is_enqueued_only_after_commit(
    make_intro, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        intro = services.intro_offer(intro=make_intro())
        assert mail.outbox == []

    assert len(callbacks) == 2
    assert OutboxEmail.objects.filter(intro=intro).count() == 2


def test_a_task_run_twice_sends_the_email_once(offered):
    email = offer_to(offered, offered.member_a)

    first = tasks.send_outbox_email.apply(args=[email.pk]).get()
    second = tasks.send_outbox_email.apply(args=[email.pk]).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert email.sent_at is not None


def test_a_failed_send_is_retried_and_still_sent_once(offered, flaky_smtp):
    email = offer_to(offered, offered.member_a)

    # Eager retries run at once: the first attempt fails, the retry sends.
    tasks.send_outbox_email.apply(args=[email.pk])
    tasks.send_outbox_email.apply(args=[email.pk])

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert "SMTPServerDisconnected" in email.last_error


def test_a_failed_send_leaves_the_email_pending_and_counts_the_attempt(
    offered, flaky_smtp
):
    email = offer_to(offered, offered.member_a)

    with pytest.raises(outbox.OutboxSendError):
        outbox.outbox_send(outbox_id=email.pk)

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
    assert mail.outbox == []


def test_an_event_enqueued_twice_gets_one_email(offered):
    again = outbox.outbox_enqueue_intro_email(
        intro=offered, recipient=offered.member_a, kind="offer"
    )

    assert again is None
    assert OutboxEmail.objects.filter(intro=offered, kind="offer").count() == 2


def test_a_cancelled_email_is_never_sent(offered):
    services.intro_withdraw(intro=offered)

    for email in OutboxEmail.objects.filter(intro=offered):
        assert outbox.outbox_send(outbox_id=email.pk) is False
    assert mail.outbox == []


def test_the_sent_message_carries_its_stable_id_and_list_headers(offered):
    email = offer_to(offered, offered.member_b)

    outbox.outbox_send(outbox_id=email.pk)

    message = mail.outbox[0]
    assert message.extra_headers["Message-ID"] == f"<outbox-{email.pk}@grapevyne>"
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert message.alternatives[0].mimetype == "text/html"


def test_a_refused_email_is_given_up_after_the_last_attempt(offered, flaky_smtp):
    flaky_smtp.failures_left = outbox.OUTBOX_MAX_ATTEMPTS + 1
    email = offer_to(offered, offered.member_a)

    for _ in range(outbox.OUTBOX_MAX_ATTEMPTS - 1):
        with pytest.raises(outbox.OutboxSendError):
            outbox.outbox_send(outbox_id=email.pk)
    assert outbox.outbox_send(outbox_id=email.pk) is False

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", outbox.OUTBOX_MAX_ATTEMPTS)
    assert outbox.outbox_send(outbox_id=email.pk) is False
    assert email.attempts == outbox.OUTBOX_MAX_ATTEMPTS


def test_the_sweep_leaves_a_failed_attempt_to_its_own_retry(offered, flaky_smtp):
    email = offer_to(offered, offered.member_a)
    with pytest.raises(outbox.OutboxSendError):
        outbox.outbox_send(outbox_id=email.pk)
    email.refresh_from_db()
    soon = email.last_attempt_at + timedelta(hours=1)
    much_later = email.last_attempt_at + timedelta(hours=3)

    # The task's retry is on its way: sweeping too would start a second chain.
    assert email.pk not in outbox.outbox_ids_stuck(now=soon)
    # Long after the retries would have run, the email is picked up again.
    assert email.pk in outbox.outbox_ids_stuck(now=much_later)


def test_the_sweep_finds_only_emails_pending_for_over_a_minute(offered):
    sent = offer_to(offered, offered.member_a)
    outbox.outbox_send(outbox_id=sent.pk)
    stuck = offer_to(offered, offered.member_b)

    assert outbox.outbox_ids_stuck() == []
    with time_machine.travel(stuck.created_at + timedelta(minutes=2)):
        assert outbox.outbox_ids_stuck() == [stuck.pk]
