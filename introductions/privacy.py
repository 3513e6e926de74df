"""The introductions part of a member's export and of their account deletion.

Registered with profiles.privacy (see its module doc for how sections work).
"""

from datetime import datetime

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone

from profiles.models import Profile, User
from profiles.privacy import FORMER_MEMBER, register
from profiles.selectors import profile_shown

from . import selectors, services
from .explanations import Explanation
from .models import Feedback, Introduction, ModerationAction, OutboxEmail, Report
from .reasons import NO_REASONS, MemberData, members_data, reasons_for

# What is left of an email to the other side that was about a deleted member.
SCRUBBED_BODY = (
    "This email was about a member who has since deleted their account, "
    "so its text has been removed."
)


# --- Export ------------------------------------------------------------------------


def _intro_entry(
    intro: Introduction, member: Profile, now: datetime, data: dict[int, MemberData]
) -> dict:
    """One intro as the member may know it, and no more.

    The other side's answer, decline reason and answer time never appear: the
    status is the one the member's dashboard shows, where the other's decline looks
    like an open offer until the deadline and then like an expired one. For the
    same reason an intro that did not happen ends, for them, at its deadline.
    """
    side = intro.side_of(member)
    other = intro.other_member(member)
    status = selectors.intro_status_for(intro=intro, member=member, now=now)
    connected = intro.state == Introduction.State.CONNECTED
    mine = getattr(intro, f"{side}_response")
    reason = getattr(intro, f"{side}_decline_reason")
    if status in ("offered", "waiting", "connected"):
        ended_at = None
    elif mine == Introduction.Response.DECLINED:
        # Not closed_at: when the other declined first, that is their answer time.
        ended_at = getattr(intro, f"{side}_responded_at")
    elif status == "did not happen this time":
        # An expiry is closed whenever the periodic task ran, a decline at once:
        # both end at the deadline as far as this member may know.
        ended_at = intro.expires_at
    else:
        ended_at = intro.closed_at
    # The reasons as true now, the sensitive ones only once both said yes.
    reasons = reasons_for(intro, member, data=data, now=now) if other else NO_REASONS
    return {
        "id": intro.pk,
        "status": status,
        "with": (
            profile_shown(profile=other, reader=member).name
            if other is not None
            else FORMER_MEMBER
        ),
        # An address is shared only once both said yes.
        "with_email": other.user.email if connected and other is not None else None,
        "requested_by_you": intro.requested_by_id == member.pk,
        "note": intro.note,
        "shared_interests": reasons.shared_interests,
        "shared_private_interests": reasons.shared_private_interests,
        "why_we_suggested": reasons.sentences,
        "match_score": intro.score,
        "created_at": intro.created_at,
        "offered_at": intro.offered_at,
        "answer_by": intro.expires_at,
        "your_answer": mine or None,
        "your_answer_at": getattr(intro, f"{side}_responded_at"),
        "your_decline_reason": (
            Introduction.DeclineReason(reason).label if reason else None
        ),
        "connected_at": intro.connected_at,
        "call_minutes": intro.call_minutes if connected else None,
        "proposed_call_times": intro.proposed_slots if connected else [],
        "ended_at": ended_at,
    }


def _emails(profile: Profile) -> list[dict]:
    """Emails to the member. Only sent ones carry their text: one cancelled before
    it went out (a withdrawn offer, say) was never theirs to read."""
    entries = []
    for email in OutboxEmail.objects.filter(recipient=profile).order_by("pk"):
        sent = email.status == OutboxEmail.Status.SENT
        entries.append(
            {
                "kind": email.get_kind_display(),
                "status": email.status,
                "to": email.to_email,
                "created_at": email.created_at,
                "sent_at": email.sent_at,
                "intro": email.intro_id,
                "subject": email.subject if sent else None,
                "text": email.text_body if sent else None,
            }
        )
    return entries


def intros_export(*, profile: Profile) -> dict:
    now = timezone.now()
    intros = list(
        Introduction.objects.filter(Q(member_a=profile) | Q(member_b=profile))
        .exclude(state=Introduction.State.PROPOSED)  # not yet told to anyone
        .select_related("member_a__user", "member_b__user")
        .order_by("created_at", "pk")
    )
    data = members_data(
        {profile.pk} | {p.pk for intro in intros for p in intro.members() if p}
    )
    return {
        "introductions": [_intro_entry(intro, profile, now, data) for intro in intros],
        "feedback_given": [
            {
                "intro": f.intro_id,
                "met": f.get_met_display(),
                "rating": f.rating,
                "created_at": f.created_at,
                "updated_at": f.updated_at,
            }
            for f in Feedback.objects.filter(member=profile).order_by("pk")
        ],
        "emails_sent_to_you": _emails(profile),
        # The member's own words and whom they were about; never what was done
        # about it, which is the other member's business.
        "reports_made": [
            {
                "about": r.reported.name,
                "intro": r.intro_id,
                "reason": r.get_reason_display(),
                "details": r.details,
                "created_at": r.created_at,
            }
            for r in Report.objects.filter(reporter=profile)
            .select_related("reported")
            .order_by("pk")
        ],
    }


# --- Erase -------------------------------------------------------------------------


def intros_erase(*, user: User, profile: Profile | None) -> None:
    """Withdraw what is still open, scrub what the other side keeps.

    Open intros are withdrawn with the ordinary service, which emails nobody, so
    the other side learns nothing about why. A declined intro whose other side has
    not been told yet looks open to them (see selectors.intro_status_for); it is
    closed the same way, as withdrawn and with no notice to come, since the notice
    would have to name a member who is gone. Intros the other side took part in
    stay, with this side set NULL by the database when the profile goes.
    """
    if profile is None:
        return
    now = timezone.now()
    mine = Q(member_a=profile) | Q(member_b=profile)
    services.intros_withdraw_open(intros=mine, now=now)
    Introduction.objects.filter(
        mine, state=Introduction.State.DECLINED, closed_notice_at__isnull=True
    ).update(state=Introduction.State.WITHDRAWN, closed_notice_at=now, updated_at=now)

    _erase_emails(
        profile, list(Introduction.objects.filter(mine).values_list("pk", flat=True))
    )
    Feedback.objects.filter(member=profile).delete()
    Introduction.objects.filter(member_a=profile).update(a_decline_reason="")
    Introduction.objects.filter(member_b=profile).update(b_decline_reason="")
    for intro in Introduction.objects.filter(mine).only("pk", "explanation"):
        # The note was written to or by them, for that one offer.
        intro.note = ""
        intro.explanation = (
            Explanation.from_json(intro.explanation)
            .without_member(profile.pk)
            .to_json()
        )
        intro.save(update_fields=["note", "explanation", "updated_at"])
    # Reports they made stay in the queue, the reporter SET NULL (a concern about a
    # member still here); reports about them and the moderation log follow their
    # own on_delete rules.


def _erase_emails(profile: Profile, intro_ids: list[int]) -> None:
    """Nothing more goes out about them (their address, name and card are in it);
    what the other side keeps of their intros' emails is scrubbed."""
    OutboxEmail.objects.filter(
        intro_id__in=intro_ids, status=OutboxEmail.Status.PENDING
    ).update(status=OutboxEmail.Status.CANCELLED)
    OutboxEmail.objects.filter(recipient=profile).delete()
    # allauth's emails to their address before the profile existed name no member.
    addresses = [
        profile.user.email,
        *EmailAddress.objects.filter(user=profile.user).values_list("email", flat=True),
    ]
    for address in addresses:
        OutboxEmail.objects.filter(recipient=None, to_email__iexact=address).delete()
    # The other side keeps a record that an email went out, not what it said.
    for email in OutboxEmail.objects.filter(intro_id__in=intro_ids):
        email.subject = f"{email.get_kind_display()} (about {FORMER_MEMBER})"
        email.text_body = SCRUBBED_BODY
        email.html_body = ""
        email.attachments = []
        email.headers = {
            k: v for k, v in email.headers.items() if k.lower() != "reply-to"
        }
        email.save(
            update_fields=[
                "subject",
                "text_body",
                "html_body",
                "attachments",
                "headers",
            ]
        )


register(
    "introductions",
    export=intros_export,
    erase=intros_erase,
    covers=[Introduction, OutboxEmail, Feedback, Report, ModerationAction],
)
