"""Nobody learns who declined: a table over what both members of an intro do.

For a member who did X (nothing, accept, decline, block), everything they can see
and receive over the life of the intro (reminders and their timing, the closing
email, their dashboard, their email links, their data export, a later request for
the same member) must be the same whatever the other member did (nothing, accept,
decline, early or late), the only exception being both accepting, which connects
them. Each case replays the same calendar: answers on fixed days, the periodic
deadline task run twice a day, observations before and after each run.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from introductions import moderation, services, tokens
from introductions.models import Introduction, OutboxEmail
from introductions.privacy import intros_export
from introductions.templatetags.introductions_tags import dashboard_context

from .test_deadlines import run_beat

START = datetime.fromisoformat("2026-06-01T12:00:00+00:00")
# Half a day into each answering day, around the reminder (day 3) and the
# deadline (day 7, exactly on it too), and once the follow-up would be due.
CHECKPOINTS_HOURS = [12, 36, 60, 73, 108, 132, 167.5, 168, 169, 264]
FIRST_DAY, LATE_DAY = 1, 5  # the other answers before or after the reminder day

Y_ACTIONS = [
    None,
    ("accept", FIRST_DAY),
    ("accept", LATE_DAY),
    ("decline", FIRST_DAY),
    ("decline", LATE_DAY),
]
X_ACTIONS = [None] + [
    (action, day) for action in ("accept", "decline", "block") for day in (2, 4)
]


def _act(intro, member, action, *, observer):
    intro = Introduction.objects.get(pk=intro.pk)
    if member != observer and intro.state == Introduction.State.WITHDRAWN:
        return  # the observer blocked them: their link says it is closed
    if action == "accept":
        services.intro_accept(intro=intro, member=member)
    elif action == "decline":
        services.intro_decline(intro=intro, member=member, reason="too_busy")
    else:
        moderation.block_member(blocker=member, blocked=intro.other_member(member))


def _normalised(text: str, intro, member_pks) -> str:
    text = re.sub(r"/intros/(\w+)/[\w:.-]+/", r"/intros/\1/TOKEN/", text)
    text = re.sub(rf"((?:intro|reason)[-=]){intro.pk}\b", r"\1INTRO", text)
    text = re.sub(rf"/{intro.pk}/", "/INTRO/", text)
    text = re.sub(r"avatar c\d+", "avatar cN", text)  # a colour picked by id
    for n, pk in enumerate(member_pks):
        text = re.sub(rf"/{pk}/", f"/MEMBER{n}/", text)
    return text


def _observe(intro, x, client) -> dict:
    """All that member x can see about the intro at this moment."""
    intro = Introduction.objects.get(pk=intro.pk)
    pks = sorted([intro.member_a_id, intro.member_b_id], key=lambda pk: pk != x.pk)
    dashboard = render_to_string("introductions/_dashboard.html", dashboard_context(x))
    links = {}
    for action in (tokens.ACCEPT, tokens.DECLINE):
        token = tokens.make_token(action=action, member_id=x.pk, intro_id=intro.pk)
        response = client.get(reverse(f"intro_link_{action}", args=[token]))
        title = re.search(rb"<h1>(.*?)</h1>", response.content, re.S)
        links[action] = (response.status_code, title and title.group(1).strip())
    export = [
        {k: v for k, v in entry.items() if k != "id"}
        for entry in intros_export(profile=x)["introductions"]
    ]
    return {
        "dashboard": _normalised(dashboard, intro, pks),
        "links": links,
        "export": export,
    }


def _emails_to(x, intro) -> list:
    pks = [x.pk, intro.other_member(x).pk]
    return [
        (
            e.kind,
            e.created_at - START,
            e.subject,
            _normalised(e.text_body, intro, pks),
            _normalised(e.html_body, intro, pks),
        )
        for e in OutboxEmail.objects.filter(recipient=x).order_by("created_at", "pk")
    ]


def _request_again(intro, x) -> str:
    """Whether x may later ask for an introduction to the other member."""
    other = Introduction.objects.get(pk=intro.pk).counterpart(x)
    try:
        services.intro_request(requester=x, other=other, note="Hello again")
    except services.IntroRequestRefused as exc:
        return str(exc)
    return "asked"


def _replay(make_intro, side, x_action, y_action) -> list:
    """What member x observes over the intro's life, step by step."""
    with time_machine.travel(START, tick=False) as clock:
        intro = services.intro_offer(intro=make_intro())
        a, b = intro.both_members()
        x = a if side == "a" else b
        y = intro.counterpart(x)
        plan = sorted(
            [
                (action[1] * 24, member, action[0])
                for member, action in ((x, x_action), (y, y_action))
                if action
            ],
            key=lambda step: step[0],
        )
        client = Client()
        seen: list[tuple[object, ...]] = [("start", _observe(intro, x, client))]
        for hours in CHECKPOINTS_HOURS:
            for at, member, what in list(plan):
                if at < hours:
                    clock.move_to(START + timedelta(hours=at))
                    _act(intro, member, what, observer=x)
                    plan.remove((at, member, what))
            clock.move_to(START + timedelta(hours=hours))
            if hours in (73, 168):  # due, and the task has not run yet
                seen.append((hours, "before", _observe(intro, x, client)))
            run_beat()
            seen.append((hours, "after", _observe(intro, x, client)))
        seen.append(("emails", _emails_to(x, intro)))
        seen.append(("request", _request_again(intro, x)))
        return seen


@pytest.mark.parametrize("side", ["a", "b"])
@pytest.mark.parametrize(
    "x_action", X_ACTIONS, ids=lambda a: f"{a[0]}-day{a[1]}" if a else "nothing"
)
def test_what_the_other_side_did_never_shows(db, make_intro, side, x_action):
    others = [
        y
        for y in Y_ACTIONS
        # Both saying yes connects them: the one outcome that is theirs to know.
        if not (x_action and x_action[0] == "accept" and y and y[0] == "accept")
    ]
    baseline = _replay(make_intro, side, x_action, None)
    for y_action in others[1:]:
        seen = _replay(make_intro, side, x_action, y_action)
        # The first moment that differs, rather than two pages of reprs.
        for expected, got in zip(baseline, seen, strict=True):
            assert got == expected, y_action


def test_the_silent_side_is_reminded_and_told_at_the_deadline_after_a_decline(
    db, make_intro
):
    # The table above compares cases; this says what the common answer is.
    with time_machine.travel(START, tick=False) as clock:
        intro = services.intro_offer(intro=make_intro())
        services.intro_decline(intro=intro, member=intro.member_a)
        clock.move_to(START + timedelta(days=3, minutes=1))
        run_beat()
        clock.move_to(START + timedelta(days=7, minutes=1))
        run_beat()

    kinds = list(
        OutboxEmail.objects.filter(intro=intro, recipient=intro.member_b)
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["offer", "reminder"]
    assert Introduction.objects.get(pk=intro.pk).closed_notice_at is not None
    assert not OutboxEmail.objects.filter(
        intro=intro, recipient=intro.member_a
    ).exclude(kind="offer")
