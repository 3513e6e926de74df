import json
from datetime import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from introductions import services
from introductions.factories import IntroductionFactory
from introductions.models import Feedback, OutboxEmail, Report
from matching.models import LeftOut, Round
from profiles.factories import (
    GoalKindFactory,
    InterestCategoryFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
)
from profiles.models import Block, CallWindow, Interest, MemberGoal
from tests.outbox_delivery import deliver_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Alice, who exports, and the members her data touches."""
    category = InterestCategoryFactory(name="Export test", slug="export-test")
    public = InterestFactory(name="Medical journalism", category=category)
    alices_private = InterestFactory(
        name="Burnout recovery", category=category, sensitive=True
    )
    brunos_private = InterestFactory(
        name="Grief after losing a patient", category=category, sensitive=True
    )
    alice = ProfileFactory(
        display_name="Alice Archer",
        bio="Writes about cardiology.",
        interests=[public, alices_private],
    )
    bruno = ProfileFactory(
        display_name="Bruno Brun",
        interests=[public, brunos_private],
        user__email="bruno.private@example.org",
    )
    carol = ProfileFactory(
        display_name="Carol Connected",
        user__email="carol@example.org",
        interests=[alices_private],
    )
    dave = ProfileFactory(display_name="Dave Declined", user__email="dave@example.org")
    erin = ProfileFactory(display_name="Erin Blocked")
    CallWindow.objects.create(
        profile=alice, weekday=CallWindow.Weekday.TUESDAY, start=time(8), end=time(9)
    )
    MemberGoalFactory(
        profile=alice,
        kind=GoalKindFactory(name="Mentorship"),
        direction=MemberGoal.Direction.SEEK,
        interest=public,
    )
    Block.objects.create(blocker=alice, blocked=erin)
    Interest.objects.create(
        name="Narrative medicine",
        slug="narrative-medicine-x",
        category=category,
        status=Interest.Status.PENDING,
        suggested_by=alice.user,
    )

    # Connected with Carol, with feedback and the sent emails.
    connected = IntroductionFactory(
        member_a=alice,
        member_b=carol,
        explanation={"shared_sensitive_interests": ["Burnout recovery"]},
    )
    services.intro_offer(intro=connected)
    services.intro_accept(intro=connected, member=alice)
    services.intro_accept(intro=connected, member=carol)
    deliver_pending()
    Feedback.objects.create(intro=connected, member=alice, met="yes", rating=5)

    # Bruno declined, with a reason, and the deadline has not come: to Alice this
    # is still an open offer.
    bruno_declined = IntroductionFactory(member_a=alice, member_b=bruno)
    services.intro_offer(intro=bruno_declined)
    services.intro_decline(intro=bruno_declined, member=bruno, reason="not_my_field")

    # Alice declined Dave, with her own reason.
    alice_declined = IntroductionFactory(member_a=alice, member_b=dave)
    services.intro_offer(intro=alice_declined)
    services.intro_decline(intro=alice_declined, member=alice, reason="too_busy")

    Report.objects.create(
        reporter=alice, reported=dave, reason="spam", details="Sent me adverts."
    )
    round_ = Round.objects.create(trigger=Round.Trigger.COMMAND)
    LeftOut.objects.create(round=round_, member=alice, reason="odd_one_out")
    for intro in (connected, bruno_declined, alice_declined):
        intro.refresh_from_db()
    return {
        "alice": alice,
        "bruno": bruno,
        "carol": carol,
        "dave": dave,
        "connected": connected,
        "bruno_declined": bruno_declined,
        "alice_declined": alice_declined,
    }


def export_of(client, profile):
    client.force_login(profile.user)
    response = client.post(reverse("data_export"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_export_names_the_second_factors_but_never_their_secrets(client, world):
    secret = generate_totp_secret()
    TOTP.activate(world["alice"].user, secret)

    _, data = export_of(client, world["alice"])

    factors = data["profiles"]["account"]["second_factors"]
    assert [f["type"] for f in factors] == ["TOTP Authenticator"]
    assert secret not in json.dumps(data)


def intro_in(data, intro):
    return next(
        i for i in data["introductions"]["introductions"] if i["id"] == intro.pk
    )


def test_the_export_is_a_dated_json_download(client, world):
    response, data = export_of(client, world["alice"])

    today = timezone.localdate()
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="grapevyne-export-{today:%Y-%m-%d}.json"'
    )
    assert response["Cache-Control"] == "no-store"
    assert set(data) >= {"exported_at", "profiles", "introductions", "matching"}


def test_a_get_works_as_well_as_a_post(client, world):
    client.force_login(world["alice"].user)

    response = client.get(reverse("data_export"))

    assert response.status_code == 200
    assert json.loads(response.content)["profiles"]["account"]["email"] == (
        world["alice"].user.email
    )


def test_the_export_holds_the_account_profile_and_preferences(client, world):
    _, data = export_of(client, world["alice"])

    mine = data["profiles"]
    assert mine["account"]["email"] == world["alice"].user.email
    assert mine["account"]["email_addresses"] == [
        {"email": world["alice"].user.email, "verified": True, "primary": True}
    ]
    assert mine["profile"]["display_name"] == "Alice Archer"
    assert mine["profile"]["bio"] == "Writes about cardiology."
    assert mine["profile"]["privacy"]["listed_in_directory"] is True
    assert mine["profile"]["introduction_preferences"]["max_open_intros"] == 2
    assert mine["call_windows"] == [
        {
            "weekday": "Tuesday",
            "start": "08:00:00",
            "end": "09:00:00",
            "time_zone": "America/New_York",
        }
    ]
    assert [g["kind"] for g in mine["goals"]] == ["Mentorship"]
    assert [b["member"] for b in mine["blocks_made"]] == ["Erin Blocked"]
    assert [i["name"] for i in mine["interests_suggested"]] == ["Narrative medicine"]


def test_private_interests_are_exported_and_marked(client, world):
    _, data = export_of(client, world["alice"])

    interests = {i["name"]: i["sensitive"] for i in data["profiles"]["interests"]}
    assert interests == {"Medical journalism": False, "Burnout recovery": True}


def test_the_export_holds_intros_feedback_emails_reports_and_rounds(client, world):
    _, data = export_of(client, world["alice"])

    connected = intro_in(data, world["connected"])
    assert connected["status"] == "connected"
    assert connected["with"] == "Carol Connected"
    assert connected["with_email"] == "carol@example.org"
    assert connected["connected_at"] is not None
    assert connected["shared_private_interests"] == ["Burnout recovery"]
    assert connected["why_we_suggested"] == [
        "You also both listed, privately, Burnout recovery; we kept this to "
        "ourselves until you both said yes."
    ]
    mine = data["introductions"]
    assert mine["feedback_given"][0]["met"] == "Yes, we met"
    assert mine["feedback_given"][0]["rating"] == 5
    kinds = {(e["kind"], e["status"]) for e in mine["emails_sent_to_you"]}
    assert ("Connected", "sent") in kinds
    sent = next(e for e in mine["emails_sent_to_you"] if e["kind"] == "Connected")
    assert "carol@example.org" in sent["text"]
    assert sent["sent_at"] is not None
    assert mine["reports_made"] == [
        {
            "about": "Dave Declined",
            "intro": None,
            "reason": "Spam or solicitation",
            "details": "Sent me adverts.",
            "created_at": mine["reports_made"][0]["created_at"],
        }
    ]
    assert data["matching"]["rounds_left_out"][0]["reason"] == "Odd one out"


def test_the_members_own_decline_reason_is_exported(client, world):
    _, data = export_of(client, world["alice"])

    declined = intro_in(data, world["alice_declined"])
    assert declined["status"] == "you passed"
    assert declined["your_answer"] == "declined"
    assert declined["your_decline_reason"] == "Too busy for calls at the moment"


def test_the_other_sides_decline_looks_like_an_open_offer(client, world):
    _, data = export_of(client, world["alice"])

    entry = intro_in(data, world["bruno_declined"])
    assert entry["status"] == "offered"
    assert entry["with"] == "Bruno Brun"
    assert entry["with_email"] is None
    assert entry["ended_at"] is None
    assert entry["your_answer"] is None
    text = json.dumps(data)
    assert "not_my_field" not in text
    assert "Not my field" not in text


def test_no_other_members_email_before_connection_or_private_interest(client, world):
    _, data = export_of(client, world["alice"])

    text = json.dumps(data)
    assert "bruno.private@example.org" not in text
    assert "dave@example.org" not in text
    assert "Grief after losing a patient" not in text


def test_a_decline_by_the_member_is_hidden_from_the_other_side(client, world):
    """Alice declined Dave: his export must not tell him, nor why."""
    _, data = export_of(client, world["dave"])

    entry = intro_in(data, world["alice_declined"])
    assert entry["status"] == "offered"
    assert "too_busy" not in json.dumps(data)
    assert "Too busy" not in json.dumps(data)
    assert world["alice"].user.email not in json.dumps(data)


def test_after_the_deadline_the_others_decline_reads_as_did_not_happen(
    client, world, time_machine
):
    time_machine.move_to(world["bruno_declined"].expires_at, tick=False)

    _, data = export_of(client, world["alice"])

    entry = intro_in(data, world["bruno_declined"])
    assert entry["status"] == "did not happen this time"
    deadline = world["bruno_declined"].expires_at
    assert entry["ended_at"].startswith(f"{deadline:%Y-%m-%dT%H:%M:%S}")
    assert "declined" not in json.dumps(entry)


def test_an_unsent_email_is_exported_without_its_text(client, world):
    pending = OutboxEmail.objects.filter(
        recipient=world["alice"], status=OutboxEmail.Status.PENDING
    )
    assert pending.exists()

    _, data = export_of(client, world["alice"])

    unsent = [
        e for e in data["introductions"]["emails_sent_to_you"] if e["status"] != "sent"
    ]
    assert unsent
    assert all(e["subject"] is None and e["text"] is None for e in unsent)


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("data_export"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_export_refuses_other_methods(client, world):
    client.force_login(world["alice"].user)

    assert client.put(reverse("data_export")).status_code == 405


def test_the_export_keeps_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for _ in range(15):
        other = ProfileFactory()
        intro = IntroductionFactory(member_a=world["alice"], member_b=other)
        services.intro_offer(intro=intro)
    client.force_login(world["alice"].user)

    with django_assert_max_num_queries(30):
        response = client.post(reverse("data_export"))

    assert response.status_code == 200
    # The world's three intros and the fifteen new ones, all read in those queries.
    assert len(json.loads(response.content)["introductions"]["introductions"]) == 18
