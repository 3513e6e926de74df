"""The whole journey through a real Celery worker on Redis (db 14 for this suite)."""

import re
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections
from django.utils import timezone
from icalendar import Calendar

from grapevyne.celery import app
from introductions import services, tasks
from introductions.models import Feedback, Introduction, OutboxEmail

from .conftest import weekday_windows

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _close_worker_connections(**kwargs):
    # The worker thread has its own database connection; closing it after each task
    # lets pytest-django flush and drop the test database.
    connections.close_all()


@pytest.fixture
def worker():
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND
    app.control.purge()
    task_postrun.connect(_close_worker_connections)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield app
    task_postrun.disconnect(_close_worker_connections)


def wait_for_sent(intro, kind, count=2, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = OutboxEmail.objects.filter(intro=intro, kind=kind, status="sent")
        if rows.count() >= count:
            return
        time.sleep(0.1)
    statuses = list(
        OutboxEmail.objects.filter(intro=intro).values_list("kind", "status")
    )
    pytest.fail(f"{kind} emails not sent in time: {statuses}")


def messages(subject_part):
    return [m for m in mail.outbox if subject_part in m.subject]


def link_in(message, kind):
    match = re.search(
        rf"{re.escape(settings.SITE_URL)}(/intros/{kind}/\S+/)", message.body
    )
    assert match, f"no {kind} link in {message.subject!r}"
    return match.group(1)


def test_a_proposed_intro_goes_all_the_way_to_connected_and_follow_up(
    worker, make_intro, client
):
    intro = make_intro()
    for member in intro.members():
        weekday_windows(member)

    assert services.intros_offer_proposed() == 1
    wait_for_sent(intro, "offer")
    offers = messages("Would you like to meet")
    assert len(offers) == 2

    for offer in offers:
        response = client.get(link_in(offer, "accept"))
        assert response.status_code == 200
        client.post(link_in(offer, "accept"))

    wait_for_sent(intro, "connected")
    intro.refresh_from_db()
    assert intro.state == Introduction.State.CONNECTED
    connected = messages("Introduction:")
    assert len(connected) == 2
    for message in connected:
        invites = [a for a in message.attachments if a.filename.endswith(".ics")]
        assert len(invites) == 3
        starts = [
            Calendar.from_ical(a.content).walk("VEVENT")[0].decoded("dtstart")
            for a in invites
        ]
        assert [s.isoformat() for s in starts] == intro.proposed_slots

    # Ten days later, as beat would find it.
    Introduction.objects.filter(pk=intro.pk).update(
        connected_at=timezone.now() - timedelta(days=10, minutes=1)
    )
    tasks.process_deadlines.delay().get(timeout=30)
    wait_for_sent(intro, "follow_up")
    follow_up = messages("Did you meet")[0]
    yes_link = link_in(follow_up, "feedback")
    assert yes_link.endswith("/yes/")
    client.post(yes_link, {"rating": "5"})

    feedback = Feedback.objects.get()
    assert (feedback.met, feedback.rating) == ("yes", 5)
    assert OutboxEmail.objects.exclude(status="sent").count() == 0
    assert len(mail.outbox) == 6
