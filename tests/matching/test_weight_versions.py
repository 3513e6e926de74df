"""Weight versions: a dry run counts the pairs that would change, adopting makes
the next round score with the version (and record it), rolling back undoes it."""

import pytest

from matching import learning, services
from matching.models import Round, RoundPair, WeightVersion

pytestmark = pytest.mark.django_db

# Goals matter most, shared interests hardly: the opposite of the defaults.
GOAL_HEAVY = {
    "interest": 0.05,
    "goal": 1.3,
    "cross_specialty": 0.03,
    "cross_specialty_preferred": 0.05,
}


@pytest.fixture
def quartet(make_member, goal_kind):
    """A and B share rare interests, so do C and D; A seeks what C offers and B
    seeks what D offers. The defaults pair by interests (A-B, C-D), goal-heavy
    weights by goals (A-C, B-D)."""
    mentorship, research = goal_kind("Mentorship"), goal_kind("Research")
    a = make_member(["Medical journalism", "Rowing", "Chess"], seeks=[mentorship])
    b = make_member(["Medical journalism", "Rowing", "Chess"], seeks=[research])
    c = make_member(["Opera", "Sailing", "Beekeeping"], offers=[mentorship])
    d = make_member(["Opera", "Sailing", "Beekeeping"], offers=[research])
    return a, b, c, d


def pairs_of(round_: Round) -> set[frozenset]:
    return {
        frozenset(p)
        for p in RoundPair.objects.filter(round=round_).values_list(
            "member_a_id", "member_b_id"
        )
    }


def dry_round() -> Round:
    round_ = services.round_create(trigger=Round.Trigger.COMMAND, dry_run=True)
    assert round_ is not None
    return services.round_run_sync(round_id=round_.pk)


def candidate(weights=GOAL_HEAVY) -> WeightVersion:
    return WeightVersion.objects.create(weights=weights, target="accepted")


def test_without_a_version_rounds_use_the_settings_weights(quartet, settings):
    settings.MATCHING_WEIGHT_GOAL = 0.4
    assert services.matching_weights().goal == 0.4
    round_ = dry_round()
    assert round_.weights_version is None
    assert round_.parameters["weights"]["goal"] == 0.4


def test_the_dry_run_counts_the_intros_that_would_change(quartet):
    a, b, c, d = quartet
    version = candidate()
    result = learning.weights_dry_run(version=version)
    assert (result["pairs_active"], result["pairs_candidate"]) == (2, 2)
    assert (result["new"], result["dropped"], result["unchanged"]) == (2, 2, 0)
    assert result["members"] == 4
    version.refresh_from_db()
    assert version.dry_run == result
    base = Round.objects.get(pk=result["round_active"])
    other = Round.objects.get(pk=result["round_candidate"])
    assert base.dry_run
    assert other.dry_run
    assert other.weights_version == version
    assert other.snapshot.data == base.snapshot.data
    assert pairs_of(base) == {frozenset((a.pk, b.pk)), frozenset((c.pk, d.pk))}
    assert pairs_of(other) == {frozenset((a.pk, c.pk)), frozenset((b.pk, d.pk))}
    # Same weights, same pairs: nothing would change.
    same = candidate(
        {
            "interest": 1.0,
            "goal": 0.30,
            "cross_specialty": 0.03,
            "cross_specialty_preferred": 0.10,
        }
    )
    assert learning.weights_dry_run(version=same)["new"] == 0


def test_adoption_and_rollback_change_the_next_round(quartet, django_user_model):
    a, b, c, d = quartet
    admin = django_user_model.objects.create(email="ops@example.org")
    version = candidate()
    with pytest.raises(learning.WeightVersionError, match="no finished dry run"):
        learning.weight_version_adopt(version=version, user=admin)
    learning.weights_dry_run(version=version)

    learning.weight_version_adopt(version=version, user=admin)
    version.refresh_from_db()
    assert version.status == WeightVersion.Status.ACTIVE
    assert version.activated_by == admin
    assert version.previous is None
    assert services.matching_weights().goal == 1.3
    adopted = dry_round()
    assert adopted.weights_version == version
    assert adopted.parameters["weights"]["goal"] == 1.3
    assert pairs_of(adopted) == {frozenset((a.pk, c.pk)), frozenset((b.pk, d.pk))}

    # A second adoption retires the first and remembers it.
    second = candidate({**GOAL_HEAVY, "goal": 1.1})
    learning.weights_dry_run(version=second)
    learning.weight_version_adopt(version=second, user=admin)
    version.refresh_from_db()
    assert version.status == WeightVersion.Status.RETIRED
    assert second.__class__.objects.get(pk=second.pk).previous == version

    assert learning.weight_version_rollback(user=admin) == version
    assert services.matching_weights().goal == 1.3
    assert learning.weight_version_rollback(user=admin) is None
    rolled_back = dry_round()
    assert rolled_back.weights_version is None
    assert pairs_of(rolled_back) == {frozenset((a.pk, b.pk)), frozenset((c.pk, d.pk))}
    with pytest.raises(learning.WeightVersionError, match="nothing to roll back"):
        learning.weight_version_rollback(user=admin)


def test_a_real_round_records_the_version_it_scored_with(quartet):
    version = candidate()
    learning.weights_dry_run(version=version)
    learning.weight_version_adopt(version=version)
    round_ = services.round_run_sync(
        round_id=services.round_create(trigger=Round.Trigger.COMMAND).pk
    )
    assert round_.weights_version == version
    assert round_.intros_created == 2


def test_only_a_candidate_is_adopted(quartet):
    version = candidate()
    learning.weights_dry_run(version=version)
    learning.weight_version_adopt(version=version)
    with pytest.raises(learning.WeightVersionError, match="not a candidate"):
        learning.weight_version_adopt(version=version)


def test_a_dry_run_made_before_another_adoption_is_run_again_first(quartet):
    first, second = candidate(), candidate({**GOAL_HEAVY, "goal": 1.1})
    learning.weights_dry_run(version=first)
    learning.weights_dry_run(version=second)
    learning.weight_version_adopt(version=first)

    # Second's dry run compared it with the settings' weights, no longer in use.
    with pytest.raises(learning.WeightVersionError, match="run it again"):
        learning.weight_version_adopt(version=second)
    assert learning.weights_dry_run(version=second)["against"] == first.pk
    learning.weight_version_adopt(version=second)
    assert WeightVersion.objects.get(pk=second.pk).status == (
        WeightVersion.Status.ACTIVE
    )
