"""A round stores each proposed intro's score components beside its score."""

import pytest

from introductions.models import Introduction
from matching import services
from matching.components import component_score
from matching.models import Round
from matching.scoring import Weights

from .conftest import interest_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(make_member, goal_kind, specialty):
    mentorship, research = goal_kind("Mentorship"), goal_kind("Research")
    journalism = interest_named("Medical journalism")
    burnout = interest_named("Burnout", sensitive=True)
    cardiology, oncology = specialty("Cardiology"), specialty("Oncology")
    members = [
        make_member(
            [journalism, "AI in medicine", burnout],
            seeks=[(mentorship, journalism)],
            specialty=cardiology,
            prefer_other_specialties=True,
        ),
        make_member(
            [journalism, "AI in medicine", "Chess"],
            offers=[(mentorship, journalism), research],
            specialty=oncology,
        ),
        make_member(["Rowing", "Opera", "Global health"], seeks=[research]),
        make_member(["Rowing", "Opera", burnout], specialty=oncology),
        make_member(["Sailing", "Global health"], offers=[mentorship]),
        make_member(["Sailing", "Chess", "Opera"], specialty=cardiology),
    ]
    return members


def test_each_proposed_intro_stores_components_that_add_up_to_its_score(community):
    round_ = services.round_run_sync(
        round_id=services.round_create(trigger=Round.Trigger.COMMAND).pk
    )
    intros = list(Introduction.objects.all())
    assert len(intros) == round_.intros_created >= 2
    weights = Weights(**round_.parameters["weights"])
    for intro in intros:
        components = intro.components
        assert components is not None
        assert abs(component_score(components, weights) - intro.score) <= 1e-9
        # Members without windows are free on weekday working hours: they overlap.
        assert components.windows_overlap is True
    first_pair = next(
        i for i in intros if {i.member_a, i.member_b} == set(community[:2])
    )
    c = first_pair.components
    assert (c.goal_units, c.cross_specialty, c.prefers_other) == (4, True, True)
    assert 0 < c.interest < 1
