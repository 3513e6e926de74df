from io import StringIO

from django.core import mail
from django.core.management import call_command

from introductions import services
from introductions.models import Introduction
from profiles.models import Block, Profile


def test_the_command_offers_proposed_intros_and_can_send_at_once(make_intro):
    intro = make_intro()
    out = StringIO()

    call_command("offer_proposed_intros", "--send-now", stdout=out)

    assert Introduction.objects.get(pk=intro.pk).state == "offered"
    assert "Offered 1 introductions." in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        m.user.email for m in intro.members()
    )


def test_an_intro_with_a_paused_member_is_withdrawn_not_offered(make_intro):
    intro = make_intro()
    Profile.objects.filter(pk=intro.member_b_id).update(intro_frequency="paused")

    assert services.intros_offer_proposed() == 0

    assert Introduction.objects.get(pk=intro.pk).state == "withdrawn"
    assert not intro.outbox_emails.exists()


def test_an_intro_between_members_who_blocked_each_other_is_withdrawn(make_intro):
    intro = make_intro()
    Block.objects.create(blocker=intro.member_b, blocked=intro.member_a)

    assert services.intros_offer_proposed() == 0

    assert Introduction.objects.get(pk=intro.pk).state == "withdrawn"
