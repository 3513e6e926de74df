"""What each introduction email says, rendered once, when its event happens.

The rendered text is stored in the outbox row, so a retry sends exactly what the
event produced and nothing here runs in the sending task.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from profiles.models import Profile
from profiles.selectors import profile_shown

from . import tokens
from .calendar import slot_ics
from .models import Introduction, OutboxEmail
from .reasons import members_data, reasons_for
from .selectors import intro_slots, intros_closed_since_last_offer, slots_note


@dataclass
class RenderedEmail:
    subject: str
    text_body: str
    html_body: str
    headers: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def link(action: str, *, member: Profile, intro: Introduction | None) -> str:
    token = tokens.make_token(
        action=action, member_id=member.pk, intro_id=intro.pk if intro else None
    )
    return absolute(reverse(f"intro_link_{action}", args=[token]))


def pause_url(member: Profile) -> str:
    return link(tokens.PAUSE, member=member, intro=None)


def list_headers(pause_link: str) -> dict:
    """RFC 8058 one-click unsubscribe, which here pauses introductions.

    Takes the link the body shows, so header and body carry the very same token
    (two signings a second apart would differ in their timestamps).
    """
    return {
        "List-Unsubscribe": f"<{pause_link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _render(kind: str, context: dict) -> tuple[str, str]:
    # Every date and time in an email is in the reader's own zone.
    with timezone.override(ZoneInfo(context["reader"].time_zone or "UTC")):
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    return text, html


def _base_context(intro: Introduction | None, reader: Profile) -> dict:
    return {
        "intro": intro,
        "reader": reader,
        "pause_url": pause_url(reader),
        "site_url": settings.SITE_URL,
        "dashboard_url": absolute(reverse("dashboard")),
        "footer_contact": settings.MAIL_FOOTER_CONTACT,
    }


def _prefix(subject: str) -> str:
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"


def render_offer(
    intro: Introduction, reader: Profile, *, reminder: bool, now: datetime
) -> RenderedEmail:
    other = intro.counterpart(reader)
    context = _base_context(intro, reader) | {
        "other": other,
        "other_shown": profile_shown(profile=other, reader=reader),
        "reasons": reasons_for(intro, reader).sentences,
        "accept_url": link(tokens.ACCEPT, member=reader, intro=intro),
        "decline_url": link(tokens.DECLINE, member=reader, intro=intro),
        "deadline": intro.deadline_for(reader),
        "reminder": reminder,
        "requested": intro.requested_by_id == other.pk,
        # What ended since we last wrote, instead of an email of its own.
        "ended": []
        if reminder
        else [
            i.other_member(reader)
            for i in intros_closed_since_last_offer(member=reader, now=now)
        ],
    }
    text, html = _render("reminder" if reminder else "offer", context)
    subject = (
        f"Reminder: would you like to meet {other.name}?"
        if reminder
        else f"Would you like to meet {other.name}?"
    )
    return RenderedEmail(
        _prefix(subject), text, html, list_headers(context["pause_url"])
    )


def connected_subject(intro: Introduction) -> str:
    # The same for both, in a stable order, so replies thread as one conversation.
    a, b = intro.both_members()
    return _prefix(f"Introduction: {a.name} and {b.name}")


def render_connected(
    intro: Introduction, reader: Profile, *, now: datetime
) -> RenderedEmail:
    other = intro.counterpart(reader)
    a, b = intro.both_members()
    minutes = intro.call_minutes or settings.INTRO_DEFAULT_CALL_MINUTES
    slots = [datetime.fromisoformat(s) for s in intro.proposed_slots]
    summary = f"{minutes}-minute call: {a.name} and {b.name}"
    description = (
        f"A first call between {a.name} and {b.name}, "
        "introduced by Grapevyne. Listening first: no agenda needed.\n"
        f"{a.name}: {a.user.email}\n"
        f"{b.name}: {b.user.email}"
    )
    attachments = []
    for n, start in enumerate(slots, start=1):
        ics = slot_ics(
            uid=f"intro-{intro.pk}-slot-{n}@grapevyne",
            start=start,
            minutes=minutes,
            summary=summary,
            description=description,
            now=now,
        )
        attachments.append(
            {
                "filename": f"grapevyne-call-option-{n}.ics",
                "content": ics.decode(),
                "mimetype": "text/calendar",
            }
        )
    data = members_data({reader.pk, other.pk})
    shown = intro_slots(intro, reader, data=data)
    context = _base_context(intro, reader) | {
        "other": other,
        "other_shown": profile_shown(profile=other, reader=reader),
        "other_email": other.user.email,
        "reasons": reasons_for(intro, reader, data=data, now=now).sentences,
        "minutes": minutes,
        "slots": shown,
        "slots_note": slots_note(shown, reader, other, data, now=now),
        "reader_zone": reader.time_zone,
    }
    text, html = _render("connected", context)
    headers = list_headers(context["pause_url"]) | {"Reply-To": other.user.email}
    return RenderedEmail(connected_subject(intro), text, html, headers, attachments)


def render_follow_up(intro: Introduction, reader: Profile) -> RenderedEmail:
    other = intro.counterpart(reader)
    token = tokens.make_token(
        action=tokens.FEEDBACK, member_id=reader.pk, intro_id=intro.pk
    )
    answers = [
        (value, label, absolute(reverse("intro_link_feedback", args=[token, value])))
        for value, label in (
            ("yes", "Yes, we met"),
            ("not_yet", "Not yet"),
            ("no", "No"),
        )
    ]
    context = _base_context(intro, reader) | {"other": other, "answers": answers}
    text, html = _render("follow_up", context)
    return RenderedEmail(
        _prefix(f"Did you meet {other.name}?"),
        text,
        html,
        list_headers(context["pause_url"]),
    )


def render_warning(reader: Profile, reasons: list[str]) -> RenderedEmail:
    """An admin's warning after reports, naming only the kinds of concern."""
    context = _base_context(None, reader) | {"reasons": reasons}
    text, html = _render("moderation_warning", context)
    return RenderedEmail(
        _prefix("A note about how you use Grapevyne"),
        text,
        html,
        list_headers(context["pause_url"]),
    )


def render_auto_pause(
    reader: Profile, *, resume_url: str, expired: int
) -> RenderedEmail:
    """We paused a member who ignored their last offers: why, and one click back.

    The caller (matching) makes the resume link, since the pause is its record.
    """
    context = _base_context(None, reader) | {
        "resume_url": resume_url,
        "expired": expired,
        "preferences_url": absolute(reverse("profile_preferences")),
    }
    text, html = _render("auto_pause", context)
    return RenderedEmail(
        _prefix("We paused your introductions"),
        text,
        html,
        list_headers(context["pause_url"]),
    )


def render(kind: str, intro: Introduction, reader: Profile, *, now: datetime):
    if kind == OutboxEmail.Kind.OFFER:
        return render_offer(intro, reader, reminder=False, now=now)
    if kind == OutboxEmail.Kind.REMINDER:
        return render_offer(intro, reader, reminder=True, now=now)
    if kind == OutboxEmail.Kind.CONNECTED:
        return render_connected(intro, reader, now=now)
    if kind == OutboxEmail.Kind.FOLLOW_UP:
        return render_follow_up(intro, reader)
    raise ValueError(f"Unknown email kind {kind!r}")
