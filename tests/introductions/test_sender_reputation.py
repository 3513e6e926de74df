"""What mailbox providers look for in a sender: a plain-text part in every email,
no remote images, and who we are and how to reach us at the foot of each."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from introductions import emails, moderation, outbox, services
from introductions.models import OutboxEmail
from tests.outbox_delivery import deliver_pending

from .conftest import weekday_windows

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"


def test_every_html_email_template_has_a_plain_text_twin():
    html = {
        p.stem for p in EMAIL_TEMPLATES.glob("*.html") if not p.stem.startswith("_")
    }
    text = {p.stem for p in EMAIL_TEMPLATES.glob("*.txt")}
    assert html
    assert html <= text


def test_no_email_template_loads_a_remote_image():
    remote = re.compile(r"""<img[^>]+src=["']?(https?:)?//|url\(\s*["']?(https?:)?//""")
    for path in EMAIL_TEMPLATES.glob("*"):
        assert not remote.search(path.read_text()), path.name


@pytest.fixture
def footer(settings):
    settings.MAIL_FOOTER_CONTACT = "Grapevyne Inc., 1 Main St, Springfield · help@x.org"


@pytest.fixture
def every_kind(footer, offered, admin_user, client):
    """One email of each kind a member can receive, written to the outbox."""
    for member in offered.members():
        weekday_windows(member)
    services.intro_accept(intro=offered, member=offered.member_a)
    services.intro_accept(intro=offered, member=offered.member_b)
    moderation.member_warn(member=offered.member_a, admin=admin_user)
    client.post("/accounts/password/reset/", {"email": offered.member_b.user.email})
    return OutboxEmail.objects.all()


def test_every_email_has_a_text_part_and_the_contact_line(every_kind, settings):
    kinds = set(every_kind.values_list("kind", flat=True))
    assert {"offer", "connected", "warning", "account"} <= kinds
    for email in every_kind:
        assert email.text_body.strip(), email.kind
        assert settings.MAIL_FOOTER_CONTACT in email.text_body, email.kind
        if email.html_body:
            assert settings.MAIL_FOOTER_CONTACT in email.html_body, email.kind
            assert "<img" not in email.html_body


def test_every_sent_message_carries_the_text_part(every_kind):
    from django.core import mail

    assert deliver_pending() == every_kind.count()
    for message in mail.outbox:
        assert message.body.strip()
        assert message.content_subtype == "plain"


def test_an_email_without_a_text_part_is_refused(offered):
    rendered = emails.RenderedEmail("Subject", "  ", "<p>Only HTML</p>")
    with pytest.raises(ValueError, match="no plain-text part"):
        outbox.outbox_enqueue(
            kind="warning",
            event_key="warning:html-only",
            rendered=rendered,
            recipient=offered.member_a,
        )
