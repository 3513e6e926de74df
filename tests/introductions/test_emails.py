from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from bench.claims import intro_false_claims
from introductions import emails, outbox, services
from introductions.models import Introduction, OutboxEmail
from profiles.factories import ProfileFactory
from profiles.models import CallWindow

from .conftest import weekday_windows


def sent(intro, member, kind):
    email = OutboxEmail.objects.get(intro=intro, recipient=member, kind=kind)
    mail.outbox.clear()
    outbox.outbox_send(outbox_id=email.pk)
    return email, mail.outbox[0]


def test_the_offer_says_who_and_why_but_never_the_email_or_sensitive_tags(offered):
    alice = offered.member_a if "Alice" in offered.member_a.name else offered.member_b
    bruno = offered.other_member(alice)

    email, message = sent(offered, alice, "offer")

    for body in (email.text_body, email.html_body):
        assert "Bruno Brun" in body
        assert "Oncology" in body
        assert "Paris" in body
        assert "Oncologist, global health volunteer." in body
        assert "Medical journalism" in body
        assert "You are looking for mentorship in Medical journalism" in body
        assert bruno.user.email not in body
        assert "Burnout recovery" not in body
        assert "/intros/accept/" in body
        assert "/intros/decline/" in body
    assert "Burnout recovery" not in email.subject
    assert "<img" not in email.html_body
    assert 'name="viewport"' in email.html_body
    assert message.to == [alice.user.email]


def test_the_other_side_reads_the_goal_from_their_point_of_view(offered):
    alice = offered.member_a if "Alice" in offered.member_a.name else offered.member_b
    bruno = offered.other_member(alice)

    email, _ = sent(offered, bruno, "offer")

    assert "Alice Archer is looking for mentorship in Medical journalism" in (
        email.text_body
    )


def test_every_email_has_one_click_pause_headers_and_a_pause_link(offered):
    email, message = sent(offered, offered.member_a, "offer")

    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://")
    assert "/intros/pause/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert header.strip("<>") in email.text_body


def test_header_and_body_carry_the_same_pause_link_across_a_second_boundary(offered):
    # Signed links embed the second they were made: rendering that starts a
    # microsecond before a new second must still give one link, not two.
    just_before_a_second = datetime(2026, 11, 25, 9, 0, 0, 999_999, tzinfo=UTC)
    with time_machine.travel(just_before_a_second, tick=True):
        rendered = emails.render_offer(
            offered, offered.member_a, reminder=False, now=timezone.now()
        )

    header = rendered.headers["List-Unsubscribe"].strip("<>")
    assert header in rendered.text_body
    assert header in rendered.html_body


def test_the_connected_email_reveals_addresses_sensitive_tags_and_slots(offered):
    for member in offered.members():
        weekday_windows(member, time(8), time(18))
    services.intro_accept(intro=offered, member=offered.member_a)
    intro = services.intro_accept(intro=offered, member=offered.member_b)
    paris = (
        intro.member_a
        if intro.member_a.time_zone == "Europe/Paris"
        else (intro.member_b)
    )
    other = intro.other_member(paris)

    email, message = sent(intro, paris, "connected")

    assert other.user.email in email.text_body
    assert "Burnout recovery" in email.text_body
    assert "20-minute call" in email.text_body
    assert message.extra_headers["Reply-To"] == other.user.email
    assert (
        email.subject
        == OutboxEmail.objects.get(
            intro=intro, recipient=other, kind="connected"
        ).subject
    )
    assert "Each lies inside both your weekly call windows." in email.text_body
    assert "do not overlap" not in email.text_body
    invites = [a for a in message.attachments if a.filename.endswith(".ics")]
    assert len(invites) == 3
    for invite, iso in zip(invites, intro.proposed_slots, strict=True):
        event = Calendar.from_ical(invite.content).walk("VEVENT")[0]
        start = event.decoded("dtstart")
        assert start.isoformat() == iso
        local = start.astimezone(ZoneInfo("Europe/Paris"))
        # Shown in the reader's own zone.
        assert local.strftime("%H:%M") in email.text_body


def connect(intro):
    services.intro_accept(intro=intro, member=intro.member_a)
    return services.intro_accept(intro=intro, member=intro.member_b)


def test_the_connected_email_says_plainly_when_the_windows_never_overlap(offered):
    # 06:00-07:00 on Mondays: in Paris that is midnight in New York, and in New
    # York it is noon in Paris.
    for member in offered.members():
        CallWindow.objects.create(profile=member, weekday=0, start=time(6), end=time(7))
    intro = connect(offered)
    paris = next(m for m in intro.members() if m.time_zone == "Europe/Paris")
    new_york = intro.other_member(paris)

    email, _ = sent(intro, paris, "connected")

    assert len(intro.proposed_slots) == 3
    assert "Your weekly call windows do not overlap in the next three weeks" in (
        email.text_body
    )
    assert "inside both your weekly call windows" not in email.text_body
    # Each time is inside New York's Monday window, and says so to Paris.
    assert email.text_body.count(f"(inside {new_york.name}'s window)") == 3
    assert "overlap by at least" not in email.text_body


def test_the_connected_email_says_whose_windows_are_missing(offered):
    weekday_windows(offered.member_a, time(8), time(18))
    intro = connect(offered)
    without = intro.member_b

    email, _ = sent(intro, intro.member_a, "connected")
    own, _ = sent(intro, without, "connected")

    assert f"{without.name} has not set weekly call windows" in email.text_body
    assert "You have not set weekly call windows" in own.text_body


def test_the_offer_reads_every_reason_from_the_readers_side(offered):
    alice = offered.member_a if "Alice" in offered.member_a.name else offered.member_b
    bruno = offered.other_member(alice)

    mine, _ = sent(offered, alice, "offer")
    theirs, _ = sent(offered, bruno, "offer")

    assert "- You both care about Medical journalism and Global health.\n" in (
        mine.text_body
    )
    assert (
        "- You are looking for mentorship in Medical journalism; Bruno Brun offers "
        "mentorship in Medical journalism.\n"
    ) in mine.text_body
    assert (
        "- You work in different specialties: you in Cardiology, Bruno Brun in "
        "Oncology.\n"
    ) in mine.text_body
    assert (
        "Alice Archer is looking for mentorship in Medical journalism; you offer "
        "mentorship in Medical journalism."
    ) in theirs.text_body
    for email in (mine, theirs):
        assert intro_false_claims(offered) == []
        assert "<li>You both care about Medical journalism and Global health.</li>" in (
            email.html_body
        )


def test_nobody_is_told_who_declined(offered):
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_decline(intro=offered, member=offered.member_b, reason="not_now")
    services.intro_close_declined(intro=offered, now=offered.expires_at)
    later = ProfileFactory(display_name="Carla Costa")
    a, b = sorted((offered.member_a, later), key=lambda p: p.pk)
    services.intro_offer(
        intro=Introduction.objects.create(member_a=a, member_b=b),
        now=offered.expires_at,
    )

    email = OutboxEmail.objects.get(
        recipient=offered.member_a, kind="offer", intro__member_a=a, intro__member_b=b
    )

    text = email.text_body.split("Please answer by")[1]
    assert "Our introduction to Bruno Brun did not go ahead this time" in text
    for body in (text, email.html_body.split("Please answer by")[1]):
        assert "declin" not in body.lower()
        assert "Not the right time" not in body
