"""Shared pieces of the property-based tests: hostile values and a member's rows.

A property test posts what Hypothesis draws, inside a savepoint that is rolled back,
and checks two things: the server answered (no 500), and a bystander member's rows
are exactly as before.
"""

from contextlib import contextmanager
from datetime import time
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from introductions import services
from introductions.factories import IntroductionFactory
from introductions.models import Feedback, Introduction
from profiles.factories import (
    GoalKindFactory,
    InterestCategoryFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
)
from profiles.models import CallWindow, Interest, Profile, User

# Function-scoped fixtures are fine here: every example runs in its own savepoint.
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "🩺🫀" * 50,
    "Z\u0351\u0352\u0353\u0354" * 20,
    "x" * 10_000,
    "9" * 10_000,
    "-1",
    "0",
    "1e309",
    "NaN",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    str(10**40),
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\r\n\t",
    "true",
    "[]",
    "2024-02-30",
    "99:99",
]

# PostgreSQL text cannot hold NUL, so a NUL that reaches a query is a 500.
with_nul = st.builds(
    lambda a, b: f"{a}\x00{b}", st.text(max_size=8), st.text(max_size=8)
)
scalar = st.one_of(
    st.sampled_from(NASTY),
    with_nul,
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(str),
)
# A list where a scalar is expected is a repeated field on the wire.
value = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))


def form_data(valid: dict) -> st.SearchStrategy[dict]:
    """A valid submission with some fields replaced by junk, some dropped, some added.

    A value in `valid` may itself be a strategy (e.g. one of several real ids).
    """
    fields = sorted(valid)
    return st.builds(
        _mix,
        st.fixed_dictionaries(
            {
                k: v if isinstance(v, st.SearchStrategy) else st.just(v)
                for k, v in valid.items()
            }
        ),
        st.dictionaries(st.sampled_from([*fields, "unexpected"]), value),
        st.sets(st.sampled_from(fields)),
    )


def _mix(valid: dict, junk: dict, dropped: set) -> dict:
    data = {k: v for k, v in valid.items() if k not in dropped}
    data.update(junk)
    return data


def member_rows(profile: Profile) -> dict[str, object]:
    """Every row that belongs to a member: theirs, their user's, and all that link to
    either (introductions, feedback, goals, emails, reports, ...), read fresh."""
    user = User.objects.get(pk=profile.user_id)
    rows: dict[str, object] = {
        "profile": Profile.objects.filter(pk=profile.pk).values().get(),
        "user": User.objects.filter(pk=user.pk).values().get(),
    }
    for owner in (profile, user):
        for relation in type(owner)._meta.related_objects:
            model = relation.related_model
            linked = model._base_manager.filter(**{relation.field.name: owner})
            key = f"{model._meta.label}.{relation.field.name}"
            rows[key] = sorted(linked.values(), key=lambda row: str(row.get("id")))
    return rows


@contextmanager
def harmless_to(world: SimpleNamespace):
    """Roll back whatever the block did; fail if the victim's rows changed.

    Every example starts from the same rolled-back state, so the victim's rows are
    read once per test (by build_world) rather than before every example.
    """
    with transaction.atomic():
        yield
        assert member_rows(world.victim) == world.victim_rows
        transaction.set_rollback(True)


def assert_answered(response) -> None:
    assert response.status_code < 500, response.status_code


def _intro(first: Profile, second: Profile, **fields) -> Introduction:
    intro = IntroductionFactory.create(
        member_a=first,
        member_b=second,
        score=0.5,
        explanation={"shared_interests": []},
    )
    intro = services.intro_offer(intro=intro)
    if fields:
        Introduction.objects.filter(pk=intro.pk).update(**fields)
        intro.refresh_from_db()
    return intro


def build_world() -> SimpleNamespace:
    """An acting member with their own intros, goals and tags, and a bystander
    (the victim) with the same kinds of rows, sharing nothing with the actor."""
    category = InterestCategoryFactory()
    tags = [InterestFactory.create(category=category) for _ in range(6)]
    pending_tag = InterestFactory.create(
        category=category, status=Interest.Status.PENDING
    )
    kinds = [GoalKindFactory() for _ in range(3)]
    now = timezone.now()
    actor = ProfileFactory.create(interests=tags[:3], onboarded_at=now)
    victim = ProfileFactory.create(interests=tags[3:6], onboarded_at=now)
    carol, dave, erin, requestee = (
        ProfileFactory.create(interests=tags[:2]) for _ in "1234"
    )
    own_goal = MemberGoalFactory(profile=actor, kind=kinds[0])
    victim_goal = MemberGoalFactory(profile=victim, kind=kinds[1], interest=tags[4])
    for member in (actor, victim):
        CallWindow.objects.create(
            profile=member, weekday=1, start=time(9, 0), end=time(17, 0)
        )
    own_offer = _intro(actor, carol)
    own_connected = _intro(
        actor, erin, state=Introduction.State.CONNECTED, connected_at=now
    )
    victim_offer = _intro(victim, dave)
    victim_connected = _intro(
        victim, erin, state=Introduction.State.CONNECTED, connected_at=now
    )
    Feedback.objects.create(intro=victim_connected, member=victim, met="yes", rating=4)
    victim_rows = member_rows(victim)
    return SimpleNamespace(**locals())
