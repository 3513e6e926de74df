"""What a round records as the reasons for a pair, read back as sentences."""

import pytest

from bench.claims import intro_false_claims
from introductions.explanations import Explanation, GoalMatch
from introductions.models import Introduction
from introductions.reasons import reasons_for
from matching import services
from matching.models import Round

from .conftest import interest_named

pytestmark = pytest.mark.django_db


def run_round() -> Round:
    round_ = services.round_create(trigger=Round.Trigger.COMMAND)
    assert round_ is not None, "a real round is still running"
    return services.round_run_sync(round_id=round_.pk)


def test_a_round_records_on_topic_goals_and_never_off_topic_ones(
    make_member, goal_kind, specialty
):
    research = goal_kind("Research collaborator")
    mentorship = goal_kind("Mentorship")
    lung = interest_named("Lung cancer screening")
    burnout = interest_named("Physician burnout")
    health = interest_named("Global health")
    common = ["Medical education", "AI in medicine"]
    ana = make_member(
        [lung, "Spirometry history", *common],
        seeks=[(research, lung)],
        specialty=specialty("Pulmonology"),
    )
    ben = make_member(
        [lung, "Spirometry history", *common],
        offers=[(research, lung)],
        specialty=specialty("Oncology"),
    )
    # The case: on different topics, the goal is no common ground.
    cy = make_member([lung, "Wilderness medicine", *common], seeks=[(research, lung)])
    dee = make_member(
        [burnout, "Wilderness medicine", *common], offers=[(research, burnout)]
    )
    eve = make_member(["Rural practice", *common], seeks=[mentorship])
    fay = make_member(
        [health, "Rural practice", *common], offers=[(mentorship, health)]
    )

    round_ = run_round()

    assert round_.status == Round.Status.DONE
    pairs = {
        frozenset((i.member_a_id, i.member_b_id)): i for i in Introduction.objects.all()
    }
    on_topic = pairs[frozenset((ana.pk, ben.pk))]
    off_topic = pairs[frozenset((cy.pk, dee.pk))]
    untied = pairs[frozenset((eve.pk, fay.pk))]
    assert Explanation.from_json(on_topic.explanation).goals == (
        GoalMatch(ana.pk, ben.pk, "Research collaborator", "Lung cancer screening"),
    )
    assert Explanation.from_json(off_topic.explanation).goals == ()
    assert Explanation.from_json(untied.explanation).goals == (
        GoalMatch(eve.pk, fay.pk, "Mentorship", None),
    )
    assert (
        "You are looking for mentorship without naming a topic; "
        f"{fay.name} offers mentorship in Global health."
    ) in reasons_for(untied, eve).sentences
    for intro in pairs.values():
        assert intro_false_claims(intro) == []
