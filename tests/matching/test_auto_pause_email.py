"""The auto-pause email: through the outbox, and its one-click resume link."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from introductions import outbox, tasks
from introductions.factories import IntroductionFactory
from introductions.models import OutboxEmail
from matching import services
from matching.models import AutoPause
from profiles.factories import ProfileFactory
from profiles.models import Profile
from tests.introductions.flaky_provider import FlakyProviderBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def paused(make_member):
    """A member just auto-paused after three unanswered offers, with their email."""
    absent = make_member()
    for days in (1, 2, 3):
        intro = IntroductionFactory(
            member_a=absent,
            member_b=make_member(),
            state="expired",
            offered_at=timezone.now() - timedelta(days=days),
        )
        intro.save()
    assert services.members_auto_pause() == [absent.pk]
    return absent


def the_email(member) -> OutboxEmail:
    return OutboxEmail.objects.get(recipient=member, kind="auto_pause")


def resume_path(member) -> str:
    text = the_email(member).text_body
    found = re.search(r"https?://\S+(/matching/resume/\S+/)", text)
    assert found, "no resume link in the email"
    return found.group(1)


def test_the_email_is_written_with_the_pause_and_has_both_parts(paused):
    email = the_email(paused)

    assert email.status == "pending"
    assert email.to_email == paused.user.email
    assert "We paused your introductions" in email.subject
    assert "One click turns introductions back on" in email.text_body
    assert "/matching/resume/" in email.html_body
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_email_survives_a_failed_first_send(settings, paused):
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.introductions.flaky_provider.FlakyProviderBackend"
        }
    }
    FlakyProviderBackend.failures_left = 1
    email = the_email(paused)
    try:
        with pytest.raises(outbox.OutboxSendError):
            outbox.outbox_send(outbox_id=email.pk)
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 1)
        assert mail.outbox == []

        tasks.send_outbox_email.apply(args=[email.pk])
        tasks.send_outbox_email.apply(args=[email.pk])
    finally:
        FlakyProviderBackend.failures_left = 0

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [[paused.user.email]]


def test_a_second_pause_is_a_second_email(paused, make_member):
    Profile.objects.filter(pk=paused.pk).update(
        intro_frequency=Profile.Frequency.WEEKLY
    )
    for days in (1, 2, 3):
        IntroductionFactory(
            member_a=paused,
            member_b=make_member(),
            state="expired",
            offered_at=timezone.now() + timedelta(minutes=days),
        )
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.members_auto_pause() == [paused.pk]

    assert OutboxEmail.objects.filter(recipient=paused, kind="auto_pause").count() == 2


def test_the_link_asks_first_then_resumes_in_one_click(client, paused):
    path = resume_path(paused)

    page = client.get(path)
    assert page.status_code == 200
    assert b"Turn introductions back on?" in page.content
    paused.refresh_from_db()
    assert paused.is_paused(), "a GET changes nothing"

    done = client.post(path)

    assert done.status_code == 200
    assert b"Welcome back" in done.content
    paused.refresh_from_db()
    assert paused.intro_frequency == Profile.Frequency.BIWEEKLY
    assert AutoPause.objects.get(profile=paused).resumed_at is not None


def test_a_reused_link_gets_a_friendly_page_and_changes_nothing(client, paused):
    path = resume_path(paused)
    client.post(path)
    Profile.objects.filter(pk=paused.pk).update(
        intro_frequency=Profile.Frequency.PAUSED
    )

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 409
        assert b"already used" in response.content
    paused.refresh_from_db()
    assert paused.intro_frequency == Profile.Frequency.PAUSED


def test_a_forged_link_gets_a_friendly_page(client, paused):
    path = resume_path(paused)
    forged = path[:-6] + ("A" if path[-6] != "A" else "B") + path[-5:]

    for response in (client.get(forged), client.post(forged)):
        assert response.status_code == 400
        assert b"This link does not work" in response.content
    paused.refresh_from_db()
    assert paused.is_paused()


def test_an_expired_link_gets_a_friendly_page(client, paused, settings):
    path = resume_path(paused)
    later = timezone.now() + timedelta(days=settings.INTRO_PAUSE_LINK_DAYS + 1)

    with time_machine.travel(later):
        response = client.post(path)

    assert response.status_code == 410
    assert b"This link has expired" in response.content
    paused.refresh_from_db()
    assert paused.is_paused()


def test_someone_elses_link_changes_nothing(client, paused):
    client.force_login(ProfileFactory().user)

    response = client.post(resume_path(paused))

    assert response.status_code == 403
    paused.refresh_from_db()
    assert paused.is_paused()


def test_the_link_refuses_other_methods(client, paused):
    assert client.put(resume_path(paused)).status_code == 405
