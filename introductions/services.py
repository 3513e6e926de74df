from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg.types.json import Jsonb

from profiles import selectors as profile_selectors
from profiles.models import Interest, Profile

from . import outbox
from .calendar import Window, propose_slots
from .components import COLUMNS as COMPONENT_COLUMNS
from .components import ScoreComponents
from .explanations import Explanation
from .models import Feedback, Introduction, OutboxEmail

PROPOSE_BATCH_SIZE = 5_000


@dataclass(frozen=True)
class ProposedPair:
    """Two members someone (usually the matching engine) wants to introduce."""

    member_a_id: int
    member_b_id: int
    score: float = 0.0
    explanation: Explanation = field(default_factory=Explanation)
    components: ScoreComponents | None = None


@transaction.atomic
def introductions_create_proposed(
    *, pairs: Iterable[ProposedPair], batch_size: int = PROPOSE_BATCH_SIZE
) -> list[Introduction]:
    """Create an introduction in state *proposed* for each pair without an open one.

    Safe to call again with the same pairs, or concurrently: the partial unique
    constraint `intro_one_open_per_pair` makes PostgreSQL skip a pair that already
    has an open introduction (ON CONFLICT DO NOTHING), so a re-run or resumed round
    never proposes a pair twice. Returns only the introductions this call created.
    """
    # One timestamp per call tells this call's rows from any others'.
    now = timezone.now()
    created: list[Introduction] = []
    batch: dict[tuple[int, int], ProposedPair] = {}
    for pair in pairs:
        if pair.member_a_id == pair.member_b_id:
            raise ValueError(
                f"A member cannot be introduced to themself ({pair.member_a_id})."
            )
        batch.setdefault(tuple(sorted((pair.member_a_id, pair.member_b_id))), pair)
        if len(batch) >= batch_size:
            created.extend(_create_batch(batch, now))
            batch = {}
    if batch:
        created.extend(_create_batch(batch, now))
    return created


def _component_of(column: str) -> Callable[[int, int, ProposedPair], object]:
    name = column.removeprefix("component_")

    def value(a: int, b: int, pair: ProposedPair) -> object:
        return None if pair.components is None else getattr(pair.components, name)

    return value


def _create_batch(batch: dict, now) -> list[Introduction]:
    """Insert one batch through COPY into a scratch table, then one INSERT ... ON
    CONFLICT DO NOTHING: tens of thousands of rows a second, where bulk_create
    spends most of its time compiling parameters in Python."""
    given = {
        "member_a_id": lambda a, b, pair: a,
        "member_b_id": lambda a, b, pair: b,
        "score": lambda a, b, pair: pair.score,
        "explanation": lambda a, b, pair: Jsonb(pair.explanation.to_json()),
        **{column: _component_of(column) for column in COMPONENT_COLUMNS},
    }
    constant = {"state": Introduction.State.PROPOSED, "created_at": now}
    columns, constants = [], []
    for f in Introduction._meta.concrete_fields:
        if f.primary_key or f.column in given:
            continue
        if f.column in constant:
            value = constant[f.column]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:  # the field's default: "" for a blank text field, None if nullable
            value = f.get_db_prep_save(f.get_default(), connection)
        columns.append(f.column)
        constants.append(value)
    names = list(given) + columns
    quoted = ", ".join(f'"{c}"' for c in names)
    with connection.cursor() as cursor:
        cur = cursor.cursor
        cur.execute(
            f"CREATE TEMP TABLE intro_proposed ON COMMIT DROP AS"  # noqa: S608
            f" SELECT {quoted} FROM introductions_introduction WITH NO DATA"
        )
        with cur.copy(f"COPY intro_proposed ({quoted}) FROM STDIN") as copy:
            for (a, b), pair in batch.items():
                copy.write_row(
                    [make(a, b, pair) for make in given.values()] + constants
                )
        cur.execute(
            f"INSERT INTO introductions_introduction ({quoted})"  # noqa: S608
            f" SELECT {quoted} FROM intro_proposed ORDER BY member_a_id, member_b_id"
            " ON CONFLICT DO NOTHING RETURNING id, member_a_id, member_b_id"
        )
        rows = cur.fetchall()
        cur.execute("DROP TABLE intro_proposed")
    created = []
    for pk, a, b in sorted(rows):
        pair = batch[a, b]
        intro = Introduction(
            pk=pk,
            member_a_id=a,
            member_b_id=b,
            state=Introduction.State.PROPOSED,
            score=pair.score,
            explanation=pair.explanation.to_json(),
            **(pair.components.to_columns() if pair.components else {}),
            created_at=now,
            updated_at=now,
        )
        intro._state.adding, intro._state.db = False, connection.alias
        created.append(intro)
    return created


# --- Lifecycle ---------------------------------------------------------------------
#
# proposed → offered → accepted_one → connected, or → declined | expired | withdrawn.
# Every transition locks the row (or updates it conditionally on its state), so two
# workers or two clicks can never both win; an impossible transition raises
# IntroTransitionError and changes nothing.
#
# Nobody learns who declined: a decline closes the intro at once, but to the other
# member it looks like an offer still waiting for an answer (they may still answer,
# and their answer is recorded) until the deadline, when both kinds of failure
# become the same "did not happen this time": on the dashboard, and as one line in
# the member's next offer email (`selectors.intros_closed_since_last_offer`),
# never an email of its own.


class IntroTransitionError(Exception):
    """The introduction is not in a state where this can happen."""


class NotPartOfIntro(IntroTransitionError):
    """The member is not one of the two people in this introduction."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _locked(intro_id: int) -> Introduction:
    return (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("member_a__user", "member_b__user")
        .get(pk=intro_id)
    )


def _present(intro: Introduction) -> list[Profile]:
    """The members still here: a deleted member leaves NULL on their side."""
    return [m for m in intro.members() if m is not None]


def _side(intro: Introduction, member: Profile) -> str:
    try:
        return intro.side_of(member)
    except ValueError:
        raise NotPartOfIntro(
            f"Profile {member.pk} is not part of intro {intro.pk}"
        ) from None


@transaction.atomic
def intro_offer(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """Invite both members at once (proposed → offered)."""
    now = _now(now)
    expires_at = now + timedelta(days=settings.INTRO_OFFER_DAYS)
    updated = Introduction.objects.filter(
        pk=intro.pk, state=Introduction.State.PROPOSED
    ).update(
        state=Introduction.State.OFFERED,
        offered_at=now,
        expires_at=expires_at,
        updated_at=now,
    )
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} is not proposed")
    intro = Introduction.objects.select_related(
        "member_a__user", "member_a__specialty", "member_b__user", "member_b__specialty"
    ).get(pk=intro.pk)
    for member in intro.members():
        outbox.outbox_enqueue_intro_email(
            intro=intro, recipient=member, kind=OutboxEmail.Kind.OFFER, now=now
        )
    return intro


@transaction.atomic
def intro_accept(
    *, intro: Introduction, member: Profile, now: datetime | None = None
) -> Introduction:
    """Record a yes; connect the pair when the other side already said yes."""
    now = _now(now)
    intro = _locked(intro.pk)
    side = _side(intro, member)
    if not intro.can_answer(member, now):
        raise IntroTransitionError(f"Intro {intro.pk} cannot be accepted now")
    setattr(intro, f"{side}_response", Introduction.Response.ACCEPTED)
    setattr(intro, f"{side}_responded_at", now)
    fields = [f"{side}_response", f"{side}_responded_at", "updated_at"]
    other = "b" if side == "a" else "a"
    if intro.state == Introduction.State.DECLINED:
        intro.save(update_fields=fields)
        return intro
    if getattr(intro, f"{other}_response") == Introduction.Response.ACCEPTED:
        _connect(intro, now)
        fields += ["state", "connected_at", "call_minutes", "proposed_slots"]
    else:
        intro.state = Introduction.State.ACCEPTED_ONE
        fields.append("state")
    intro.save(update_fields=fields)
    if intro.state == Introduction.State.CONNECTED:
        for person in intro.members():
            outbox.outbox_enqueue_intro_email(
                intro=intro, recipient=person, kind=OutboxEmail.Kind.CONNECTED, now=now
            )
    return intro


def _windows(member: Profile) -> list[Window]:
    return [(w.weekday, w.start, w.end) for w in member.call_windows.all()]


def _connect(intro: Introduction, now: datetime) -> None:
    a, b = intro.member_a, intro.member_b
    minutes = min(
        a.meeting_minutes or settings.INTRO_DEFAULT_CALL_MINUTES,
        b.meeting_minutes or settings.INTRO_DEFAULT_CALL_MINUTES,
    )
    slots = propose_slots(
        windows_a=_windows(a),
        zone_a=a.time_zone,
        windows_b=_windows(b),
        zone_b=b.time_zone,
        minutes=minutes,
        now=now,
    )
    intro.state = Introduction.State.CONNECTED
    intro.connected_at = now
    intro.call_minutes = minutes
    intro.proposed_slots = [s.isoformat() for s in slots]


@transaction.atomic
def intro_decline(
    *,
    intro: Introduction,
    member: Profile,
    reason: str = "",
    now: datetime | None = None,
) -> Introduction:
    """Record a no (with an optional private reason) and close the intro.

    The other member is told nothing now: at the deadline they get the same email
    as when an offer simply expires.
    """
    now = _now(now)
    if reason and reason not in Introduction.MEMBER_DECLINE_REASONS:
        raise ValueError(f"Unknown decline reason {reason!r}")
    intro = _locked(intro.pk)
    side = _side(intro, member)
    if not intro.can_answer(member, now):
        raise IntroTransitionError(f"Intro {intro.pk} cannot be declined now")
    setattr(intro, f"{side}_response", Introduction.Response.DECLINED)
    setattr(intro, f"{side}_responded_at", now)
    setattr(intro, f"{side}_decline_reason", reason)
    fields = [
        f"{side}_response",
        f"{side}_responded_at",
        f"{side}_decline_reason",
        "updated_at",
    ]
    if intro.state != Introduction.State.DECLINED:
        intro.state = Introduction.State.DECLINED
        intro.closed_at = now
        fields += ["state", "closed_at"]
    intro.save(update_fields=fields)
    return intro


@transaction.atomic
def intro_expire(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """Close an offer nobody finished answering.

    Both learn it did not happen from their dashboard and from a line in their next
    offer email: a note of its own would be one more email about nothing to do.
    """
    now = _now(now)
    updated = Introduction.objects.filter(
        pk=intro.pk,
        state__in=[Introduction.State.OFFERED, Introduction.State.ACCEPTED_ONE],
        expires_at__lte=now,
    ).update(
        state=Introduction.State.EXPIRED,
        closed_at=now,
        closed_notice_at=now,
        updated_at=now,
    )
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} is not an overdue offer")
    return _locked(intro.pk)


@transaction.atomic
def intro_withdraw(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """Take back an open intro (a block, a paused member, an admin's decision).

    A declined intro whose other side has not been told yet is taken back too, as
    an open one would be: the decliner's answer stays recorded. Unsent emails about
    it are cancelled; links already sent say it is closed.
    """
    now = _now(now)
    updated = (
        Introduction.objects.filter(pk=intro.pk)
        .filter(Introduction.looks_open())
        .update(state=Introduction.State.WITHDRAWN, closed_at=now, updated_at=now)
    )
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} is not open")
    OutboxEmail.objects.filter(
        intro_id=intro.pk, status=OutboxEmail.Status.PENDING
    ).update(status=OutboxEmail.Status.CANCELLED)
    return Introduction.objects.get(pk=intro.pk)


@transaction.atomic
def intros_close_for_undeliverable(
    *, member: Profile, now: datetime | None = None
) -> int:
    """Quietly close a member's open offers once email cannot reach them.

    Nobody may learn that an address bounced: to the other member each offer looks
    open until its deadline and then ends with the ordinary "did not happen this
    time", exactly as after a decline (recorded with its own private
    reason). A proposed intro nobody was told about is withdrawn. Returns how many.
    """
    now = _now(now)
    closed = 0
    ids = list(
        Introduction.objects.filter(
            Introduction.pair_with(member), state__in=Introduction.OPEN_STATES
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for intro_id in ids:
        intro = _locked(intro_id)
        if intro.state == Introduction.State.PROPOSED:
            intro_withdraw(intro=intro, now=now)
            closed += 1
            continue
        if intro.state not in Introduction.OPEN_STATES:
            continue
        side = _side(intro, member)
        setattr(intro, f"{side}_response", Introduction.Response.DECLINED)
        setattr(intro, f"{side}_responded_at", now)
        setattr(
            intro, f"{side}_decline_reason", Introduction.DeclineReason.UNDELIVERABLE
        )
        intro.state = Introduction.State.DECLINED
        intro.closed_at = now
        intro.save(
            update_fields=[
                f"{side}_response",
                f"{side}_responded_at",
                f"{side}_decline_reason",
                "state",
                "closed_at",
                "updated_at",
            ]
        )
        OutboxEmail.objects.filter(
            intro_id=intro.pk, recipient=member, status=OutboxEmail.Status.PENDING
        ).update(status=OutboxEmail.Status.CANCELLED)
        closed += 1
    return closed


def intros_withdraw_open(*, intros: Q, now: datetime | None = None) -> int:
    """Withdraw every open intro matching `intros`, each on its own; how many.

    One answered or closed in the meantime has nothing left to withdraw.
    """
    withdrawn = 0
    for intro in (
        Introduction.objects.filter(intros)
        .filter(Introduction.looks_open())
        .order_by("pk")
    ):
        try:
            intro_withdraw(intro=intro, now=now)
        except IntroTransitionError:
            continue
        withdrawn += 1
    return withdrawn


@transaction.atomic
def intro_close_declined(
    *, intro: Introduction, now: datetime | None = None
) -> Introduction:
    """At the deadline of a declined intro, close it for the other side too.

    From now on it reads "did not happen this time" to them, exactly as an expired
    offer does, and their next offer email says so in one line.
    """
    now = _now(now)
    updated = Introduction.objects.filter(
        pk=intro.pk,
        state=Introduction.State.DECLINED,
        expires_at__lte=now,
        closed_notice_at__isnull=True,
    ).update(closed_notice_at=now, updated_at=now)
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} has no notice due")
    return _locked(intro.pk)


REMINDED_STATES = (
    Introduction.State.OFFERED,
    Introduction.State.ACCEPTED_ONE,
    Introduction.State.DECLINED,
)


@transaction.atomic
def intro_remind(*, intro: Introduction, now: datetime | None = None) -> Introduction:
    """The one reminder, to whoever has not answered an offer by the reminder day.

    Declined intros too: to a member who has not answered, the other side's decline
    must look like silence, and silence gets a reminder. Never a second one
    (`reminded_at`); none to a member whose weekly email budget is spent, nor to
    one who let their previous offer pass unanswered (reminded then, they chose
    not to; an answer to any later offer brings reminders back): the offer is in
    their inbox and on their dashboard already.
    """
    now = _now(now)
    updated = Introduction.objects.filter(
        pk=intro.pk,
        state__in=REMINDED_STATES,
        offered_at__lte=now - timedelta(days=settings.INTRO_REMINDER_DAY),
        expires_at__gt=now,
        reminded_at__isnull=True,
    ).update(reminded_at=now, updated_at=now)
    if not updated:
        raise IntroTransitionError(f"Intro {intro.pk} has no reminder due")
    intro = _locked(intro.pk)
    today = now.date()
    if None in intro.members():
        return intro  # nobody left to meet: a nudge would only say so
    for member in intro.members():
        if (
            not intro.response_of(member)
            and not member.is_paused(today)
            and not outbox.email_budget_spent(recipient=member, now=now)
            and not _let_last_offer_pass(member, before=intro.offered_at, now=now)
        ):
            outbox.outbox_enqueue_intro_email(
                intro=intro, recipient=member, kind=OutboxEmail.Kind.REMINDER, now=now
            )
    return intro


def _let_last_offer_pass(member: Profile, *, before: datetime, now: datetime) -> bool:
    """Did the member leave their latest offer before `before` unanswered to its
    deadline? Read from their own answer and the deadline only, never from what
    the other side did, which must not change what this member receives."""
    last = (
        Introduction.objects.filter(
            Introduction.pair_with(member),
            offered_at__lt=before,
            expires_at__lte=now,
        )
        .exclude(state=Introduction.State.WITHDRAWN)
        .order_by("-offered_at", "-pk")
        .first()
    )
    return last is not None and not last.response_of(member)


@transaction.atomic
def intro_follow_up(
    *, intro: Introduction, now: datetime | None = None
) -> Introduction:
    """Ask both "Did you meet?" some days after connecting.

    Waits while either member's weekly email budget is spent: the deadline task
    tries again each run, and it goes once both have room.
    """
    now = _now(now)
    due = Introduction.objects.filter(
        pk=intro.pk,
        state=Introduction.State.CONNECTED,
        connected_at__lte=now - timedelta(days=settings.INTRO_FOLLOW_UP_DAYS),
        follow_up_at__isnull=True,
    )
    if not due.exists():
        raise IntroTransitionError(f"Intro {intro.pk} has no follow-up due")
    intro = _locked(intro.pk)
    if any(
        outbox.email_budget_spent(recipient=member, now=now)
        for member in _present(intro)
    ):
        raise IntroTransitionError(f"Intro {intro.pk}: follow-up waits for budget")
    if not due.update(follow_up_at=now, updated_at=now):
        raise IntroTransitionError(f"Intro {intro.pk} has no follow-up due")
    intro.follow_up_at = now
    if None in intro.members():
        return intro  # "did you meet a former member?" would tell them they left
    for member in intro.members():
        outbox.outbox_enqueue_intro_email(
            intro=intro, recipient=member, kind=OutboxEmail.Kind.FOLLOW_UP, now=now
        )
    return intro


def intro_apply_deadlines(*, intro_id: int, now: datetime | None = None) -> str | None:
    """Whichever deadline step is due for this intro; None when nothing is.

    Idempotent: each step is conditional on its own marker, so running it twice, or
    in two workers, does each step once.
    """
    now = _now(now)
    steps = (intro_expire, intro_close_declined, intro_remind, intro_follow_up)
    intro = Introduction(pk=intro_id)
    done = None
    for step in steps:
        try:
            step(intro=intro, now=now)
        except IntroTransitionError:
            continue
        done = step.__name__
    return done


def intro_ids_with_deadlines_due(*, now: datetime | None = None) -> list[int]:
    now = _now(now)
    offered = [Introduction.State.OFFERED, Introduction.State.ACCEPTED_ONE]
    due = (
        Q(state__in=offered, expires_at__lte=now)
        | Q(
            state=Introduction.State.DECLINED,
            expires_at__lte=now,
            closed_notice_at__isnull=True,
        )
        | Q(
            state__in=REMINDED_STATES,
            reminded_at__isnull=True,
            offered_at__lte=now - timedelta(days=settings.INTRO_REMINDER_DAY),
            expires_at__gt=now,
        )
        | Q(
            state=Introduction.State.CONNECTED,
            follow_up_at__isnull=True,
            connected_at__lte=now - timedelta(days=settings.INTRO_FOLLOW_UP_DAYS),
        )
    )
    return list(
        Introduction.objects.filter(due).order_by("pk").values_list("pk", flat=True)
    )


def intros_offer_proposed(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Offer proposed intros, each in its own transaction; returns how many.

    A member who paused, or a pair where one blocked the other since the round,
    gets the intro withdrawn instead.
    """
    now = _now(now)
    today = now.date()
    offered = 0
    pending = (
        Introduction.objects.filter(state=Introduction.State.PROPOSED)
        .select_related("member_a", "member_b")
        .order_by("pk")[:limit]
    )
    for intro in pending:
        blocked = profile_selectors.blocked_either_way(
            a_id=intro.member_a_id, b_id=intro.member_b_id
        )
        try:
            gone = None in intro.members()
            if gone or blocked or any(m.is_paused(today) for m in intro.members()):
                intro_withdraw(intro=intro, now=now)
            else:
                intro_offer(intro=intro, now=now)
                offered += 1
        except IntroTransitionError:
            continue
    return offered


# --- Feedback and pausing --------------------------------------------------------


@transaction.atomic
def feedback_record(
    *, intro: Introduction, member: Profile, met: str, rating: int | None = None
) -> Feedback:
    """Store (or change) a member's "Did you meet?" answer for the matching engine."""
    intro = _locked(intro.pk)
    _side(intro, member)
    if intro.state != Introduction.State.CONNECTED:
        raise IntroTransitionError(f"Intro {intro.pk} is not connected")
    if met not in Feedback.Met.values:
        raise ValueError(f"Unknown answer {met!r}")
    if rating is not None and not 1 <= rating <= 5:
        raise ValueError("A rating is from 1 to 5")
    feedback, _ = Feedback.objects.update_or_create(
        intro=intro, member=member, defaults={"met": met, "rating": rating}
    )
    return feedback


# --- Member-requested introductions -----------------------------------------------


class IntroRequestRefused(Exception):
    """A member may not ask for this introduction; the message is safe to show."""


@transaction.atomic
def intro_request(
    *, requester: Profile, other: Profile, note: str, now: datetime | None = None
) -> Introduction:
    """A member asks to be introduced: their yes is given, the other gets the offer.

    Refused, with one neutral message that reveals neither a block nor a pause,
    when either blocked the other, when the other is paused, when an earlier
    offer between them was declined (by either) or expired, when a pair is
    already open, or when the other's weekly email budget is spent; and past the
    weekly request limit.
    """
    now = _now(now)
    if requester.pk == other.pk:
        raise IntroRequestRefused("You cannot ask to be introduced to yourself.")
    # One request at a time per requester, so two tabs cannot beat the weekly limit,
    # and per pair, so two members asking for each other queue here: both rows, in
    # id order, or each would hold one and wait for the other (a deadlock).
    list(
        Profile.objects.select_for_update()
        .filter(pk__in=[requester.pk, other.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    recent = Introduction.objects.filter(
        requested_by=requester, created_at__gte=now - timedelta(days=7)
    ).count()
    if recent >= settings.INTRO_REQUESTS_PER_WEEK:
        raise IntroRequestRefused(
            f"You can ask for {settings.INTRO_REQUESTS_PER_WEEK} introductions a "
            "week; please try again in a few days."
        )
    a, b = sorted((requester, other), key=lambda p: p.pk)
    pair = Introduction.objects.filter(member_a=a, member_b=b)
    other_side = "a" if other.pk == a.pk else "b"
    # Never again after an offer that did not lead to a connection, whoever said
    # no or nothing: refusing only after the other's decline would tell the
    # requester that they declined.
    declined_before = pair.filter(
        Q(**{f"{other_side}_response": Introduction.Response.DECLINED})
        | Q(state__in=[Introduction.State.DECLINED, Introduction.State.EXPIRED])
    ).exists()
    blocked = profile_selectors.blocked_either_way(a_id=requester.pk, b_id=other.pk)
    if (
        blocked
        or declined_before
        or not other.user.is_active
        or other.is_paused(now.date())
        or outbox.address_is_suppressed(other.user.email)
        or outbox.email_budget_spent(recipient=other, now=now)
        or pair.filter(state__in=Introduction.OPEN_STATES).exists()
    ):
        raise IntroRequestRefused(
            f"We cannot introduce you to {other.name} at the moment."
        )
    side = "b" if other_side == "a" else "a"
    try:
        # A matching round may propose the same pair meanwhile (it does not lock
        # profiles): the one-open-intro-per-pair constraint decides.
        with transaction.atomic():
            intro = Introduction.objects.create(
                member_a=a,
                member_b=b,
                state=Introduction.State.ACCEPTED_ONE,
                requested_by=requester,
                note=note.strip(),
                explanation=Explanation(
                    shared_interests=_shared_public_interests(a, b)
                ).to_json(),
                offered_at=now,
                expires_at=now + timedelta(days=settings.INTRO_OFFER_DAYS),
                created_at=now,
                **{
                    f"{side}_response": Introduction.Response.ACCEPTED,
                    f"{side}_responded_at": now,
                },
            )
    except IntegrityError as exc:
        raise IntroRequestRefused(
            f"We cannot introduce you to {other.name} at the moment."
        ) from exc
    intro = Introduction.objects.select_related(
        "member_a__user", "member_a__specialty", "member_b__user", "member_b__specialty"
    ).get(pk=intro.pk)
    recipient = intro.member_a if other.pk == a.pk else intro.member_b
    outbox.outbox_enqueue_intro_email(
        intro=intro, recipient=recipient, kind=OutboxEmail.Kind.OFFER, now=now
    )
    return intro


def _shared_public_interests(a: Profile, b: Profile) -> tuple[str, ...]:
    return tuple(
        Interest.objects.public()
        .filter(member_links__profile=a)
        .filter(member_links__profile=b)
        .order_by("name")
        .values_list("name", flat=True)[:5]
    )
