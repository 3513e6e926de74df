"""What the mail provider reports back, through anymail's Postmark tracking webhook.

The bodies are Postmark's own sample events (postmark_payloads.py), posted to the
real endpoint with the basic-auth secret a Postmark webhook is configured with.
"""

import base64
import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from introductions import emails, outbox, services
from introductions.factories import IntroductionFactory
from introductions.models import DeliveryEvent, Introduction, OutboxEmail
from introductions.selectors import dashboard_intros, intros_closed_since_last_offer
from profiles import services as profile_services
from profiles.factories import ProfileFactory
from profiles.models import Profile, SuppressedAddress
from tests.outbox_delivery import deliver_pending

from . import postmark_payloads as samples

SECRET = "postmark:s3cret-for-tests"
URL = "/anymail/postmark/tracking/"


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def _auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, body: dict, **auth):
    headers = auth or _auth()
    return client.post(
        URL, data=json.dumps(body), content_type="application/json", **headers
    )


def sent_offer(intro, member, provider_id: str) -> OutboxEmail:
    """The member's offer, sent, with the id Postmark's API answered with."""
    email = OutboxEmail.objects.get(intro=intro, recipient=member, kind="offer")
    assert outbox.outbox_send(outbox_id=email.pk) is True
    email.provider_message_id = provider_id
    email.save(update_fields=["provider_message_id"])
    return email


def test_a_delivery_is_recorded_on_its_outbox_row(client, offered):
    email = sent_offer(
        offered, offered.member_a, "883953f4-6105-42a2-a16a-77a8eac79483"
    )

    response = post(
        client,
        samples.event(
            samples.DELIVERY, to=email.to_email, message_id=email.provider_message_id
        ),
    )

    assert response.status_code == 200
    email.refresh_from_db()
    assert email.delivery == "delivered"
    event = DeliveryEvent.objects.get(outbox=email)
    assert (event.event_type, event.recipient) == ("delivered", email.to_email)


def test_an_event_finds_its_row_by_the_metadata_sent_with_it(client, offered):
    email = sent_offer(offered, offered.member_a, "")
    body = samples.event(samples.DELIVERY, to=email.to_email, message_id="unknown-id")
    body["Metadata"] = {"outbox_id": str(email.pk)}

    post(client, body)

    email.refresh_from_db()
    assert email.delivery == "delivered"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        _auth("postmark:wrong-secret"),
        _auth("someone:" + SECRET.split(":")[1]),
    ],
    ids=["no-auth", "wrong-secret", "wrong-user"],
)
def test_a_forged_webhook_is_refused_and_changes_nothing(client, offered, headers):
    email = sent_offer(
        offered, offered.member_a, "2706ee8a-737c-4285-b032-ccd317af53ed"
    )
    body = samples.event(
        samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
    )

    response = client.post(
        URL, data=json.dumps(body), content_type="application/json", **headers
    )

    assert response.status_code == 400
    assert not DeliveryEvent.objects.exists()
    assert not SuppressedAddress.objects.exists()
    offered.member_a.refresh_from_db()
    assert not offered.member_a.is_paused()


def test_without_a_configured_secret_every_webhook_is_refused(
    client, offered, settings
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    email = sent_offer(
        offered, offered.member_a, "2706ee8a-737c-4285-b032-ccd317af53ed"
    )
    body = samples.event(
        samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
    )

    response = client.post(URL, data=json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert not SuppressedAddress.objects.exists()


def test_a_hard_bounce_suppresses_the_address_and_pauses_the_member(client, offered):
    alice, bruno = offered.member_a, offered.member_b
    frequency = alice.intro_frequency
    email = sent_offer(offered, alice, "2706ee8a-737c-4285-b032-ccd317af53ed")

    response = post(
        client,
        samples.event(
            samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
        ),
    )

    assert response.status_code == 200
    email.refresh_from_db()
    assert email.delivery == "bounced"
    suppression = SuppressedAddress.objects.get()
    assert (suppression.email, suppression.reason) == (
        alice.user.email.lower(),
        "hard_bounce",
    )
    assert (suppression.profile, suppression.frequency_before) == (alice, frequency)
    alice.refresh_from_db()
    assert alice.intro_frequency == Profile.Frequency.PAUSED
    assert bruno.user.email.lower() not in {
        s.email for s in SuppressedAddress.objects.all()
    }


def test_a_bounced_members_offer_is_withdrawn_and_looks_like_an_expiry(client, offered):
    alice, bruno = offered.member_a, offered.member_b
    email = sent_offer(offered, alice, "2706ee8a-737c-4285-b032-ccd317af53ed")
    bruno_offer = OutboxEmail.objects.get(intro=offered, recipient=bruno, kind="offer")
    outbox.outbox_send(outbox_id=bruno_offer.pk)

    post(
        client,
        samples.event(
            samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
        ),
    )

    intro = Introduction.objects.get(pk=offered.pk)
    assert intro.a_decline_reason == Introduction.DeclineReason.UNDELIVERABLE
    # To Bruno it is still an open offer he may answer...
    assert intro.can_answer(bruno, timezone.now())
    sections = dashboard_intros(member=bruno)
    assert [c.intro.pk for c in sections["offered"]] == [offered.pk]
    services.intro_accept(intro=intro, member=bruno)
    # ...until the deadline, when it ends as the ordinary "did not happen".
    after_deadline = intro.expires_at + timedelta(minutes=1)
    services.intro_apply_deadlines(intro_id=intro.pk, now=after_deadline)
    assert intros_closed_since_last_offer(member=bruno, now=after_deadline) == [intro]
    assert not OutboxEmail.objects.filter(intro=intro, kind="closed")
    past = dashboard_intros(member=bruno, now=after_deadline)["past"]
    assert [(c.intro.pk, c.status) for c in past] == [
        (intro.pk, "did not happen this time")
    ]


def test_a_proposed_intro_of_a_bounced_member_is_withdrawn(client, offered, make_intro):
    alice = offered.member_a
    other = ProfileFactory()
    proposed = IntroductionFactory(member_a=alice, member_b=other)
    email = sent_offer(offered, alice, "2706ee8a-737c-4285-b032-ccd317af53ed")

    post(
        client,
        samples.event(
            samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
        ),
    )

    proposed.refresh_from_db()
    assert proposed.state == Introduction.State.WITHDRAWN


def test_a_spam_complaint_suppresses_the_address(client, offered):
    email = sent_offer(
        offered, offered.member_b, "2706ee8a-737c-4285-b032-ccd317af53ed"
    )

    post(
        client,
        samples.event(
            samples.SPAM_COMPLAINT,
            to=email.to_email,
            message_id=email.provider_message_id,
        ),
    )

    email.refresh_from_db()
    assert email.delivery == "complained"
    assert SuppressedAddress.objects.get().reason == "complaint"
    offered.member_b.refresh_from_db()
    assert offered.member_b.is_paused()


def test_the_same_webhook_twice_is_recorded_once(client, offered):
    email = sent_offer(
        offered, offered.member_a, "2706ee8a-737c-4285-b032-ccd317af53ed"
    )
    body = samples.event(
        samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
    )

    post(client, body)
    post(client, body)

    assert DeliveryEvent.objects.count() == 1
    assert SuppressedAddress.objects.count() == 1


def test_a_suppressed_address_gets_nothing(client, offered):
    alice = offered.member_a
    email = sent_offer(offered, alice, "2706ee8a-737c-4285-b032-ccd317af53ed")
    bruno_offer = OutboxEmail.objects.get(
        intro=offered, recipient=offered.member_b, kind="offer"
    )
    post(
        client,
        samples.event(
            samples.HARD_BOUNCE, to=email.to_email, message_id=email.provider_message_id
        ),
    )
    mail.outbox.clear()

    # A new event for her: a row marked suppressed, and no task, no email.
    warning = outbox.outbox_enqueue(
        kind=OutboxEmail.Kind.WARNING,
        event_key="warning:test",
        rendered=emails.render_warning(alice, []),
        recipient=alice,
    )
    assert warning.status == OutboxEmail.Status.SUPPRESSED
    assert outbox.outbox_send(outbox_id=warning.pk) is False
    # Bruno's pending offer is unaffected.
    assert outbox.outbox_send(outbox_id=bruno_offer.pk) is True
    assert [m.to for m in mail.outbox] == [[offered.member_b.user.email]]


def test_a_row_written_before_the_suppression_is_not_sent_after_it(offered):
    pending = OutboxEmail.objects.get(
        intro=offered, recipient=offered.member_a, kind="offer"
    )
    profile_services.address_suppress(
        email=offered.member_a.user.email.upper(), reason="hard_bounce"
    )

    assert outbox.outbox_send(outbox_id=pending.pk) is False

    pending.refresh_from_db()
    assert pending.status == OutboxEmail.Status.SUPPRESSED
    assert mail.outbox == []


def test_soft_bounces_retry_with_backoff_then_count_as_hard(
    client, offered, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SOFT_BOUNCE_LIMIT = 3
    email = sent_offer(
        offered, offered.member_a, "2706ee8a-737c-4285-b032-ccd317af53ed"
    )

    for n in (1, 2):
        with django_capture_on_commit_callbacks() as retries:
            response = post(
                client,
                samples.event(
                    samples.SOFT_BOUNCE,
                    to=email.to_email,
                    message_id=email.provider_message_id,
                    ID=1000 + n,
                ),
            )
        assert response.status_code == 200, response.content
        email.refresh_from_db()
        assert (email.status, email.delivery, email.soft_bounces) == (
            "pending",
            "soft_bounced",
            n,
        )
        assert len(retries) == 1, "one retry scheduled"
        assert not SuppressedAddress.objects.exists()
        # The worker's retry sends it again; Postmark answers with a new id.
        assert outbox.outbox_send(outbox_id=email.pk) is True
        email.provider_message_id = f"resent-{n}"
        email.save(update_fields=["provider_message_id"])

    post(
        client,
        samples.event(
            samples.SOFT_BOUNCE,
            to=email.to_email,
            message_id=email.provider_message_id,
            ID=1003,
        ),
    )

    email.refresh_from_db()
    assert (email.status, email.delivery) == ("sent", "bounced")
    assert SuppressedAddress.objects.get().reason == "soft_bounces"


def test_the_dashboard_asks_a_bounced_member_to_fix_their_address(client, offered):
    alice = offered.member_a
    profile_services.address_suppress(email=alice.user.email, reason="hard_bounce")
    client.force_login(alice.user)

    content = client.get(reverse("dashboard")).content.decode()

    assert "Our emails cannot reach you" in content
    assert reverse("account_email") in content
    client.force_login(offered.member_b.user)
    assert "Our emails cannot reach you" not in (
        client.get(reverse("dashboard")).content.decode()
    )


def test_a_new_confirmed_address_lifts_the_problem_but_not_the_old_suppression(
    client, offered
):
    alice = offered.member_a
    old = alice.user.email
    frequency = alice.intro_frequency
    profile_services.address_suppress(email=old, reason="hard_bounce")
    # allauth (ACCOUNT_CHANGE_EMAIL) makes the confirmed new address the login.
    new = EmailAddress.objects.create(
        user=alice.user, email="alice.new@example.org", verified=False
    )
    new.set_verified(commit=True)
    new.set_as_primary()

    profile_services.address_confirmed(user=alice.user, email=new.email)

    alice.refresh_from_db()
    assert alice.intro_frequency == frequency
    assert outbox.address_is_suppressed(old)
    assert not outbox.address_is_suppressed(new.email)
    client.force_login(alice.user)
    assert "Our emails cannot reach you" not in (
        client.get(reverse("dashboard")).content.decode()
    )


def test_confirming_the_same_address_again_lifts_its_suppression(offered):
    alice = offered.member_a
    profile_services.address_suppress(email=alice.user.email, reason="complaint")

    profile_services.address_confirmed(user=alice.user, email=alice.user.email)

    assert not outbox.address_is_suppressed(alice.user.email)
    alice.refresh_from_db()
    assert not alice.is_paused()


def test_changing_to_a_new_address_through_allauth_lifts_the_problem(client, offered):
    alice = offered.member_a
    old = alice.user.email
    profile_services.address_suppress(email=old, reason="hard_bounce")
    client.force_login(alice.user)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice.new@example.org"}
    )

    assert response.status_code == 302
    deliver_pending()
    [confirmation] = [m for m in mail.outbox if m.to == ["alice.new@example.org"]]
    assert not [m for m in mail.outbox if m.to == [old]]
    path = re.search(
        r"https?://\S+?(/accounts/confirm-email/\S+/)", confirmation.body
    ).group(1)
    client.post(path)

    alice.refresh_from_db()
    alice.user.refresh_from_db()
    assert alice.user.email == "alice.new@example.org"
    assert not alice.is_paused()
    assert outbox.address_is_suppressed(old)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Our emails cannot reach you" not in content
