"""The reasons we give for an introduction: each sentence true of both members now."""

from datetime import UTC, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.claims import false_claims, intro_false_claims, member_from_db
from introductions.explanations import Explanation, GoalMatch
from introductions.factories import IntroductionFactory
from introductions.models import Introduction
from introductions.reasons import join_names, reasons_for
from profiles.factories import (
    GoalKindFactory,
    InterestFactory,
    MemberGoalFactory,
    ProfileFactory,
    SpecialtyFactory,
)
from profiles.models import CallWindow, MemberGoal, Specialty

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
SEEK, OFFER = MemberGoal.Direction.SEEK, MemberGoal.Direction.OFFER


@pytest.fixture
def tags():
    return {
        name: InterestFactory(name=name, sensitive=sensitive)
        for name, sensitive in [
            ("Lung cancer screening", False),
            ("Physician burnout", False),
            ("Ethics, law and medicine", False),
            ("Global health", False),
            ("Grief", True),
        ]
    }


@pytest.fixture
def kinds():
    return {
        "research": GoalKindFactory(
            name="Research collaborator", slug="research-collaborator"
        ),
        "mentorship": GoalKindFactory(name="Mentorship", slug="mentorship"),
        "grants": GoalKindFactory(name="Grant writing buddy", slug="grant-buddy"),
    }


@pytest.fixture
def pair():
    ana = ProfileFactory(
        display_name="Dr. Ana Ortiz",
        specialty=SpecialtyFactory(name="Pulmonology"),
        time_zone="America/New_York",
    )
    ben = ProfileFactory(
        display_name="Dr. Ben Okafor",
        specialty=SpecialtyFactory(name="Psychiatry"),
        time_zone="Europe/Paris",
    )
    return ana, ben


def intro_for(ana, ben, explanation, state=Introduction.State.OFFERED):
    return IntroductionFactory(
        member_a=ana, member_b=ben, state=state, explanation=explanation.to_json()
    )


def said(intro, reader):
    return reasons_for(intro, reader, now=NOW).sentences


def test_lists_read_with_and():
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A and B"
    assert join_names(["A", "B", "C"]) == "A, B and C"


def test_shared_interests_are_named_only_while_both_still_hold_them(pair, tags):
    ana, ben = pair
    ana.interests.add(tags["Lung cancer screening"], tags["Ethics, law and medicine"])
    ben.interests.add(tags["Ethics, law and medicine"], tags["Global health"])
    intro = intro_for(
        ana,
        ben,
        Explanation(
            shared_interests=(
                "Ethics, law and medicine",
                "Global health",
                "Lung cancer screening",
            )
        ),
    )

    assert said(intro, ana) == ["You both care about Ethics, law and medicine."]


def test_a_goal_on_the_same_topic_reads_from_each_side(pair, tags, kinds):
    ana, ben = pair
    topic = tags["Lung cancer screening"]
    MemberGoalFactory(
        profile=ana, kind=kinds["research"], direction=SEEK, interest=topic
    )
    MemberGoalFactory(
        profile=ben, kind=kinds["research"], direction=OFFER, interest=topic
    )
    goal = GoalMatch(ana.pk, ben.pk, "Research collaborator", topic.name)
    intro = intro_for(ana, ben, Explanation(goals=(goal,)))

    assert said(intro, ana) == [
        "You are looking for a research collaborator in Lung cancer screening; "
        "Dr. Ben Okafor offers research collaboration in Lung cancer screening."
    ]
    assert said(intro, ben) == [
        "Dr. Ana Ortiz is looking for a research collaborator in Lung cancer "
        "screening; you offer research collaboration in Lung cancer screening."
    ]


def test_an_untied_side_is_worded_honestly(pair, tags, kinds):
    ana, ben = pair
    topic = tags["Physician burnout"]
    MemberGoalFactory(profile=ana, kind=kinds["mentorship"], direction=SEEK)
    MemberGoalFactory(
        profile=ben, kind=kinds["mentorship"], direction=OFFER, interest=topic
    )
    intro = intro_for(
        ana, ben, Explanation(goals=(GoalMatch(ana.pk, ben.pk, "Mentorship"),))
    )

    assert said(intro, ana) == [
        "You are looking for mentorship without naming a topic; Dr. Ben Okafor "
        "offers mentorship in Physician burnout."
    ]


def test_goals_tied_to_different_topics_are_not_claimed(pair, tags, kinds):
    # The issue's case: one seeks it in lung cancer screening, the other offers it
    # in physician burnout; even the engine's stale claim of a topic is not quoted.
    ana, ben = pair
    MemberGoalFactory(
        profile=ana,
        kind=kinds["research"],
        direction=SEEK,
        interest=tags["Lung cancer screening"],
    )
    MemberGoalFactory(
        profile=ben,
        kind=kinds["research"],
        direction=OFFER,
        interest=tags["Physician burnout"],
    )
    goal = GoalMatch(ana.pk, ben.pk, "Research collaborator", "Physician burnout")
    intro = intro_for(ana, ben, Explanation(goals=(goal,)))

    assert said(intro, ana) == []
    assert said(intro, ben) == []


def test_a_kind_without_a_phrase_reads_as_its_quoted_name(pair, kinds):
    ana, ben = pair
    MemberGoalFactory(profile=ana, kind=kinds["grants"], direction=OFFER)
    MemberGoalFactory(profile=ben, kind=kinds["grants"], direction=SEEK)
    goal = GoalMatch(ben.pk, ana.pk, "Grant writing buddy")
    intro = intro_for(ana, ben, Explanation(goals=(goal,)))

    assert said(intro, ana) == [
        "Dr. Ben Okafor is looking for “Grant writing buddy”; you offer "
        "“Grant writing buddy”."
    ]


def test_sensitive_tags_stay_hidden_until_both_accepted(pair, tags, kinds):
    ana, ben = pair
    grief = tags["Grief"]
    for member, direction in ((ana, SEEK), (ben, OFFER)):
        member.interests.add(grief)
        MemberGoalFactory(
            profile=member,
            kind=kinds["mentorship"],
            direction=direction,
            interest=grief,
        )
    explanation = Explanation(
        shared_sensitive_interests=("Grief",),
        goals=(GoalMatch(ana.pk, ben.pk, "Mentorship", "Grief"),),
    )
    offered = intro_for(ana, ben, explanation)

    assert said(offered, ben) == [
        "Dr. Ana Ortiz is looking for mentorship; you offer mentorship."
    ]

    offered.state = Introduction.State.CONNECTED
    assert said(offered, ben) == [
        "You also both listed, privately, Grief; we kept this to ourselves until "
        "you both said yes.",
        "Dr. Ana Ortiz is looking for mentorship in Grief; you offer mentorship in "
        "Grief.",
    ]


def test_a_sensitive_tag_only_one_holds_is_never_named(pair, tags, kinds):
    ana, ben = pair
    ana.interests.add(tags["Grief"])
    MemberGoalFactory(
        profile=ana, kind=kinds["mentorship"], direction=SEEK, interest=tags["Grief"]
    )
    MemberGoalFactory(profile=ben, kind=kinds["mentorship"], direction=OFFER)
    intro = intro_for(
        ana,
        ben,
        Explanation(goals=(GoalMatch(ana.pk, ben.pk, "Mentorship"),)),
        state=Introduction.State.CONNECTED,
    )

    assert said(intro, ben) == [
        "Dr. Ana Ortiz is looking for mentorship; you offer mentorship."
    ]


def test_claims_no_longer_true_at_render_time_are_dropped(pair, tags, kinds):
    ana, ben = pair
    topic = tags["Global health"]
    for member, direction in ((ana, SEEK), (ben, OFFER)):
        member.interests.add(topic)
        MemberGoalFactory(
            profile=member,
            kind=kinds["mentorship"],
            direction=direction,
            interest=topic,
        )
    intro = intro_for(
        ana,
        ben,
        Explanation(
            shared_interests=("Global health",),
            goals=(GoalMatch(ana.pk, ben.pk, "Mentorship", "Global health"),),
            cross_specialty=True,
        ),
    )
    assert len(said(intro, ana)) == 3

    # After the round, Ben drops the tag and his offer, Ana changes specialty.
    ben.interests.remove(topic)
    ben.goals.all().delete()
    ana.specialty = ben.specialty
    ana.save()

    assert said(intro, ana) == []


def test_specialties_and_call_windows_are_claimed_when_true(pair):
    ana, ben = pair
    # 9:00-11:00 in New York is 14:00-16:00 in Paris from 8 March (the US moves
    # its clocks three weeks before Europe), 15:00-17:00 otherwise: Ben's
    # 15:00-18:00 overlaps either way.
    CallWindow.objects.create(profile=ana, weekday=0, start=time(9), end=time(11))
    CallWindow.objects.create(profile=ben, weekday=0, start=time(15), end=time(18))
    intro = intro_for(ana, ben, Explanation(cross_specialty=True))

    assert said(intro, ana) == [
        "You work in different specialties: you in Pulmonology, Dr. Ben Okafor in "
        "Psychiatry.",
        "Your weekly call windows overlap by at least 20 minutes.",
    ]

    CallWindow.objects.filter(profile=ben).update(start=time(8), end=time(10))
    assert "Your weekly call windows overlap by at least 20 minutes." not in said(
        intro, ana
    )


def test_the_checker_catches_the_false_sentences_the_issue_found(pair, tags, kinds):
    ana, ben = pair
    MemberGoalFactory(
        profile=ana,
        kind=kinds["research"],
        direction=SEEK,
        interest=tags["Lung cancer screening"],
    )
    MemberGoalFactory(
        profile=ben,
        kind=kinds["research"],
        direction=OFFER,
        interest=tags["Physician burnout"],
    )
    ana.interests.add(tags["Global health"])
    me, them = member_from_db(ana.pk), member_from_db(ben.pk)
    wrong = [
        "You are looking for a research collaborator in Physician burnout; "
        "Dr. Ben Okafor offers research collaboration in Physician burnout.",
        "You are looking for a research collaborator; Dr. Ben Okafor offers "
        "research collaboration without naming a topic.",
        "You both care about Global health.",
        "You work in different specialties: you in Psychiatry, Dr. Ben Okafor in "
        "Pulmonology.",
        "Your weekly call windows overlap by at least 20 minutes.",
        "You will get along famously.",
    ]
    right = [
        "You are looking for a research collaborator in Lung cancer screening; "
        "Dr. Ben Okafor offers research collaboration in Physician burnout.",
        "You work in different specialties: you in Pulmonology, Dr. Ben Okafor in "
        "Psychiatry.",
    ]

    assert false_claims(wrong + right, reader=me, other=them, now=NOW) == wrong


# --- The property: whatever the data and whatever the stored claims -------------

TAG_NAMES = [
    "Lung cancer screening",
    "Physician burnout",
    "Ethics, law and medicine",
    "Global health",
    "Grief",
]
KIND_NAMES = ["Research collaborator", "Mentorship", "Grant writing buddy"]
topics = st.sampled_from([None, *TAG_NAMES])
goals = st.lists(
    st.tuples(st.sampled_from([SEEK, OFFER]), st.sampled_from(KIND_NAMES), topics),
    max_size=5,
    unique=True,
)
windows = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.sampled_from([time(7), time(9), time(13)]),
        st.sampled_from([time(10), time(15), time(19)]),
    ).filter(lambda w: w[1] < w[2]),
    max_size=3,
)
member = st.fixed_dictionaries(
    {
        "interests": st.sets(st.sampled_from(TAG_NAMES)),
        "goals": goals,
        "specialty": st.sampled_from([None, "Pulmonology", "Psychiatry"]),
        "windows": windows,
        "zone": st.sampled_from(["America/New_York", "Europe/Paris", "Asia/Kolkata"]),
    }
)
# What the engine may have claimed, true or not (stale claims must be filtered).
claims = st.fixed_dictionaries(
    {
        "shared": st.lists(st.sampled_from(TAG_NAMES), unique=True),
        "goals": st.lists(
            st.tuples(st.booleans(), st.sampled_from(KIND_NAMES), topics), max_size=4
        ),
        "cross_specialty": st.booleans(),
        "connected": st.booleans(),
    }
)


def _set_member(profile, data, tags, kinds, specialties):
    profile.interests.set([tags[n] for n in data["interests"]])
    profile.goals.all().delete()
    for direction, kind, topic in data["goals"]:
        MemberGoal.objects.create(
            profile=profile,
            direction=direction,
            kind=kinds[kind],
            interest=tags[topic] if topic else None,
        )
    profile.call_windows.all().delete()
    CallWindow.objects.bulk_create(
        CallWindow(profile=profile, weekday=d, start=s, end=e)
        for d, s, e in data["windows"]
    )
    profile.specialty = specialties[data["specialty"]]
    profile.time_zone = data["zone"]
    profile.save()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(first=member, second=member, claimed=claims)
def test_every_rendered_sentence_is_true_of_both_members(
    pair, tags, kinds, first, second, claimed
):
    ana, ben = pair
    by_kind = {k.name: k for k in kinds.values()}
    specialties = {None: None} | {
        s.name: s
        for s in Specialty.objects.filter(name__in=["Pulmonology", "Psychiatry"])
    }
    _set_member(ana, first, tags, by_kind, specialties)
    _set_member(ben, second, tags, by_kind, specialties)
    goals = tuple(
        GoalMatch(*((ana.pk, ben.pk) if ana_seeks else (ben.pk, ana.pk)), kind, topic)
        for ana_seeks, kind, topic in claimed["goals"]
    )
    explanation = Explanation(
        shared_interests=tuple(n for n in claimed["shared"] if not tags[n].sensitive),
        shared_sensitive_interests=tuple(
            n for n in claimed["shared"] if tags[n].sensitive
        ),
        goals=goals,
        cross_specialty=claimed["cross_specialty"],
    )
    state = (
        Introduction.State.CONNECTED
        if claimed["connected"]
        else Introduction.State.OFFERED
    )
    Introduction.objects.all().delete()
    intro = intro_for(ana, ben, explanation, state=state)

    assert intro_false_claims(intro, now=NOW) == []
    if not claimed["connected"]:
        for reader in (ana, ben):
            assert "Grief" not in " ".join(said(intro, reader))


def test_a_row_stored_before_the_typed_record_still_renders_truly(pair, tags, kinds):
    # Written by the old engine, which took the topic from either side: "Physician
    # burnout" was only Ben's. Read today, it claims no topic agreement.
    ana, ben = pair
    for member in (ana, ben):
        member.interests.add(tags["Global health"], tags["Grief"])
    MemberGoalFactory(
        profile=ana,
        kind=kinds["research"],
        direction=SEEK,
        interest=tags["Lung cancer screening"],
    )
    MemberGoalFactory(profile=ben, kind=kinds["research"], direction=OFFER)
    intro = IntroductionFactory(
        member_a=ana,
        member_b=ben,
        state=Introduction.State.OFFERED,
        explanation={
            "shared_interests": ["Global health"],
            "shared_sensitive_interests": ["Grief"],
            "goals": [
                {
                    "seeker": ana.pk,
                    "offerer": ben.pk,
                    "kind": "Research collaborator",
                    "interest": "Physician burnout",
                }
            ],
            "cross_specialty": True,
        },
    )

    assert said(intro, ana) == [
        "You both care about Global health.",
        "You are looking for a research collaborator in Lung cancer screening; "
        "Dr. Ben Okafor offers research collaboration without naming a topic.",
        "You work in different specialties: you in Pulmonology, Dr. Ben Okafor in "
        "Psychiatry.",
    ]
    assert intro_false_claims(intro, now=NOW) == []
