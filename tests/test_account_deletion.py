import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.urls import reverse

from introductions import services
from introductions.factories import IntroductionFactory
from introductions.models import Feedback, Introduction, OutboxEmail, Report
from introductions.selectors import dashboard_intros, intro_ids_with_deadlines_due
from matching.models import AutoPause, Candidate, LeftOut, Round, RoundPair
from profiles import privacy
from profiles.factories import TEST_PASSWORD, InterestFactory, ProfileFactory
from profiles.models import Block, Interest, Profile, User
from tests.outbox_delivery import deliver_pending

pytestmark = pytest.mark.django_db

ALICE_EMAIL = "alice.leaving@example.org"
ALICE_NAME = "Alice Leaving"
ALICE_BIO = "Cardiologist who writes a weekly column on heart failure."


@pytest.fixture
def world(settings):
    # Four offers to Alice at once, more than a member's weekly email budget.
    settings.EMAIL_WEEKLY_BUDGET = 4
    alice = ProfileFactory(
        display_name=ALICE_NAME,
        bio=ALICE_BIO,
        user__email=ALICE_EMAIL,
        interests=[InterestFactory(name="Burnout recovery", sensitive=True)],
    )
    bruno = ProfileFactory(display_name="Bruno Open")
    carol = ProfileFactory(display_name="Carol Connected")
    dave = ProfileFactory(display_name="Dave Waiting")
    erin = ProfileFactory(display_name="Erin Requester")

    connected = IntroductionFactory(
        member_a=alice,
        member_b=carol,
        explanation={
            "shared_interests": ["Medical journalism"],
            "shared_sensitive_interests": ["Burnout recovery"],
            "goals": [{"seeker": alice.pk, "offerer": carol.pk, "kind": "Mentorship"}],
        },
    )
    services.intro_offer(intro=connected)
    services.intro_accept(intro=connected, member=alice)
    services.intro_accept(intro=connected, member=carol)
    deliver_pending()
    Feedback.objects.create(intro=connected, member=alice, met="yes", rating=4)
    Feedback.objects.create(intro=connected, member=carol, met="yes", rating=5)

    # Open: offered to both, emails still queued.
    open_intro = IntroductionFactory(member_a=alice, member_b=bruno)
    services.intro_offer(intro=open_intro)

    # Alice declined Dave, who has not answered: to him it still looks open.
    declined = IntroductionFactory(member_a=alice, member_b=dave)
    services.intro_offer(intro=declined)
    deliver_pending()
    services.intro_decline(intro=declined, member=alice, reason="too_busy")

    # Erin asked to meet Alice, with a note naming her.
    requested = services.intro_request(
        requester=erin, other=alice, note=f"Hello {ALICE_NAME}, I read your column."
    )

    suggested = Interest.objects.create(
        name="Cardio-oncology writing",
        slug="cardio-oncology-writing",
        category=InterestFactory().category,
        status=Interest.Status.PENDING,
        suggested_by=alice.user,
    )
    Block.objects.create(blocker=alice, blocked=erin)
    Block.objects.create(blocker=bruno, blocked=alice)
    Report.objects.create(reporter=alice, reported=erin, reason="spam")
    Report.objects.create(reporter=erin, reported=alice, reason="spam")

    round_ = Round.objects.create(trigger=Round.Trigger.COMMAND)
    RoundPair.objects.create(round=round_, member_a=alice, member_b=bruno, score=0.5)
    LeftOut.objects.create(round=round_, member=alice, reason="odd_one_out")
    AutoPause.objects.create(profile=alice, round=round_)
    Candidate.objects.create(
        round=round_,
        member_id=alice.pk,
        rank=0,
        block=0,
        candidate_id=bruno.pk,
        score=1,
    )
    Candidate.objects.create(
        round=round_,
        member_id=bruno.pk,
        rank=0,
        block=0,
        candidate_id=alice.pk,
        score=1,
    )
    LogEntry.objects.log_actions(
        user_id=ProfileFactory().user.pk,
        queryset=[alice.user],
        action_flag=CHANGE,
        change_message="Changed email.",
        single_object=True,
    )
    for intro in (connected, open_intro, declined, requested):
        intro.refresh_from_db()
    return {
        "alice": alice,
        "bruno": bruno,
        "carol": carol,
        "dave": dave,
        "erin": erin,
        "connected": connected,
        "open": open_intro,
        "declined": declined,
        "requested": requested,
        "suggested": suggested,
    }


def delete_alice(client, world):
    client.force_login(world["alice"].user)
    response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_deleted")
    return response


def links_to_members():
    """(model, field) for every foreign key or one-to-one to a user or a profile."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey | models.OneToOneField)
                and field.concrete
                and field.related_model in (User, Profile)
            ):
                yield model, field


def text_values(model):
    fields = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]
    for row in model.objects.values_list(*(f.attname for f in fields)):
        for value in row:
            yield value if isinstance(value, str) else json.dumps(value)


def test_the_confirmation_page_asks_for_the_password(client, world):
    client.force_login(world["alice"].user)

    response = client.get(reverse("account_delete"))

    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_a_wrong_password_deletes_nothing(client, world):
    client.force_login(world["alice"].user)

    response = client.post(reverse("account_delete"), {"password": "not-it"})

    assert response.status_code == 422
    assert b"That is not your password." in response.content
    assert User.objects.filter(email=ALICE_EMAIL).exists()
    assert Introduction.objects.get(pk=world["open"].pk).state == "offered"


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for name in ("account_delete",):
        response = client.post(reverse(name), {"password": TEST_PASSWORD})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_the_delete_page_refuses_other_methods(client, world):
    client.force_login(world["alice"].user)

    assert client.put(reverse("account_delete")).status_code == 405


def test_deleting_logs_the_member_out_everywhere(client, world):
    other_browser = type(client)()
    other_browser.force_login(world["alice"].user)

    delete_alice(client, world)

    assert client.get(reverse("dashboard")).status_code == 302
    assert other_browser.get(reverse("dashboard")).status_code == 302
    assert not Session.objects.exists()


def test_nothing_links_to_the_deleted_member_any_more(client, world):
    user_pk, profile_pk = world["alice"].user.pk, world["alice"].pk

    delete_alice(client, world)

    for model, field in links_to_members():
        gone = user_pk if field.related_model is User else profile_pk
        still = model.objects.filter(**{field.attname: gone})
        assert not still.exists(), f"{model.__name__}.{field.name} still links"
    assert not Candidate.objects.filter(member_id=profile_pk).exists()
    assert not Candidate.objects.filter(candidate_id=profile_pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=ALICE_EMAIL).exists()


def test_no_text_anywhere_names_the_deleted_member(client, world):
    delete_alice(client, world)

    for model in apps.get_models():
        for value in text_values(model):
            for personal in (ALICE_EMAIL, ALICE_NAME, ALICE_BIO):
                assert personal not in value, f"{model.__name__} keeps {personal!r}"
    for intro in Introduction.objects.all():
        assert "Burnout recovery" not in json.dumps(intro.explanation)


def test_every_model_linking_to_a_member_is_covered_by_a_privacy_section():
    covered = {model for s in privacy.sections() for model in s.covers}

    missing = {
        f"{model._meta.label}.{field.name}"
        for model, field in links_to_members()
        if model not in covered
    }
    assert not missing, f"add these to an app's privacy.py: {sorted(missing)}"


def test_open_intros_are_withdrawn_without_an_email(client, world):
    mail.outbox.clear()

    delete_alice(client, world)

    open_intro = Introduction.objects.get(pk=world["open"].pk)
    assert open_intro.state == "withdrawn"
    assert open_intro.member_b_id is None or open_intro.member_a_id is None
    assert not OutboxEmail.objects.filter(status="pending").exists()
    assert not OutboxEmail.objects.filter(recipient=world["bruno"], kind="closed")
    assert mail.outbox == []


def test_a_declined_intro_that_looked_open_to_the_other_is_withdrawn(
    client, world, time_machine
):
    delete_alice(client, world)

    declined = Introduction.objects.get(pk=world["declined"].pk)
    assert declined.state == "withdrawn"
    assert declined.a_decline_reason == declined.b_decline_reason == ""
    time_machine.move_to(declined.expires_at + timedelta(days=1), tick=False)
    for pk in intro_ids_with_deadlines_due():
        services.intro_apply_deadlines(intro_id=pk)
    assert not OutboxEmail.objects.filter(recipient=world["dave"], kind="closed")


def test_the_other_side_keeps_the_history_with_a_former_member(client, world):
    delete_alice(client, world)

    connected = Introduction.objects.get(pk=world["connected"].pk)
    assert connected.state == "connected"
    assert None in (connected.member_a_id, connected.member_b_id)
    assert Feedback.objects.filter(intro=connected, member=world["carol"]).exists()
    assert not Feedback.objects.filter(intro=connected).exclude(member=world["carol"])
    client.force_login(world["carol"].user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "A former member" in page
    cards = dashboard_intros(member=world["carol"])["connected"]
    assert [c.other for c in cards] == [None]
    email = OutboxEmail.objects.get(recipient=world["carol"], kind="connected")
    assert email.status == "sent"
    assert email.subject == "Connected (about a former member)"
    assert email.attachments == []
    assert "Reply-To" not in email.headers


def test_the_follow_up_skips_an_intro_whose_other_side_left(
    client, world, time_machine
):
    delete_alice(client, world)

    connected = Introduction.objects.get(pk=world["connected"].pk)
    time_machine.move_to(connected.connected_at + timedelta(days=60), tick=False)
    assert services.intro_apply_deadlines(intro_id=connected.pk) == "intro_follow_up"
    assert not OutboxEmail.objects.filter(kind="follow_up").exists()


def test_the_other_sides_export_shows_a_former_member(client, world):
    delete_alice(client, world)
    client.force_login(world["carol"].user)

    data = json.loads(client.post(reverse("data_export")).content)

    entry = data["introductions"]["introductions"][0]
    assert entry["with"] == "a former member"
    assert entry["with_email"] is None


def test_suggested_tags_stay_without_their_suggester(client, world):
    delete_alice(client, world)

    suggested = Interest.objects.get(pk=world["suggested"].pk)
    assert suggested.suggested_by_id is None


def test_reports_made_stay_and_reports_about_the_member_go(client, world):
    delete_alice(client, world)

    assert list(Report.objects.values_list("reporter_id", "reported_id")) == [
        (None, world["erin"].pk)
    ]


def test_the_deleted_email_can_sign_up_again_as_a_new_member(client, world):
    old_pk = world["alice"].user.pk
    delete_alice(client, world)

    response = client.post(
        reverse("account_signup"),
        {
            "email": ALICE_EMAIL,
            "password1": "a-new-long-pass-9",
            "password2": "a-new-long-pass-9",
        },
    )

    assert response.status_code == 302
    new = User.objects.get(email=ALICE_EMAIL)
    assert new.pk != old_pk
    assert not Introduction.objects.filter(member_a__user=new)
    assert not Introduction.objects.filter(member_b__user=new)


def test_deleting_is_rate_limited(client, world, settings):
    settings.MEMBER_RATE_LIMITS = {**settings.MEMBER_RATE_LIMITS, "profile_edit": "1/h"}
    client.force_login(world["alice"].user)
    client.post(reverse("account_delete"), {"password": "wrong"})

    response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD})

    assert response.status_code == 429
    assert User.objects.filter(email=ALICE_EMAIL).exists()


def test_a_user_without_a_profile_can_be_deleted(client):
    user = User.objects.create_user(email="bare@example.org", password=TEST_PASSWORD)

    privacy.member_delete(user=user)

    assert not User.objects.filter(email="bare@example.org").exists()


@pytest.mark.django_db
def test_deleting_a_member_in_the_admin_erases_like_the_member_would(admin_client):
    from allauth.account.models import EmailAddress

    from profiles.factories import ProfileFactory
    from profiles.models import User

    profile = ProfileFactory()
    user = profile.user
    response = admin_client.post(
        f"/admin/profiles/user/{user.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
