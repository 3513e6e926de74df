"""Fitting the weights to outcomes: planted weights are recovered, the fit beats
the default weights on a time-based holdout, and too little data says so."""

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from introductions.models import Introduction
from matching import learning
from matching.fitting import (
    FEATURES,
    NotEnoughData,
    auc,
    engine_weights,
    fit_logistic,
    fit_weights,
)
from matching.models import WeightVersion
from matching.scoring import Weights
from profiles.models import Interest

from .learning_history import (
    PLANTED_INTERCEPT,
    TOLERANCE,
    build_history,
    planted_vector,
    synthetic_samples,
)


def test_the_fit_recovers_the_planted_weights():
    x, y = synthetic_samples(30_000, seed=1)
    model = fit_logistic(x, y)
    assert np.abs(model.coef - planted_vector()).max() < TOLERANCE
    assert abs(model.intercept - PLANTED_INTERCEPT) < TOLERANCE
    # The planted zero sits on the bound: never below it.
    assert model.coef.min() >= 0.0


def test_the_fit_beats_the_default_weights_on_the_latest_rounds():
    x, y = synthetic_samples(30_000, seed=2)
    rounds = np.repeat(np.arange(1, 7), 5_000)
    report = fit_weights(x, y, rounds, current=Weights())
    assert report.rounds_holdout == [6]
    assert report.train == 25_000
    assert report.holdout == 5_000
    assert report.fitted.auc > report.current.auc + 0.05
    assert report.fitted.log_loss < report.current.log_loss
    # The engine weights keep the current weights' sum, in the planted direction.
    total = sum(report.weights.values())
    assert total == pytest.approx(1.0 + 0.30 + 0.03 + 0.10, abs=1e-5)
    direction = np.array([report.weights[f] for f in FEATURES]) / total
    planted = planted_vector() / planted_vector().sum()
    assert np.abs(direction - planted).max() < 0.05
    # Calibrated on the holdout within a few points.
    assert report.fitted.calibration_error < 0.03


def test_a_non_negative_fit_never_gives_a_part_a_negative_weight():
    rng = np.random.default_rng(3)
    x = rng.random((5_000, 4))
    # The outcome falls with the first feature: its weight stays at zero.
    y = rng.random(5_000) < 1 / (1 + np.exp(-(1.0 - 2.0 * x[:, 0] + x[:, 1])))
    model = fit_logistic(x, y)
    assert model.coef[0] == 0.0
    assert model.coef[1] > 0.5


def test_auc_by_hand():
    # Positives 0.9, 0.4; negatives 0.5, 0.1, 0.4: of 6 pairs the positive wins
    # 0.9>all (3), 0.4>0.1 (1), 0.4=0.4 (half): 4.5 / 6.
    assert auc(np.array([0.9, 0.4, 0.5, 0.1, 0.4]), np.array([1, 1, 0, 0, 0])) == 0.75


def test_too_little_data_is_refused_with_a_clear_message():
    x, y = synthetic_samples(300, seed=4)
    with pytest.raises(NotEnoughData, match="need at least 2"):
        fit_weights(x, y, np.ones(300), current=Weights())
    with pytest.raises(NotEnoughData, match=r"150 decided intros .* need at least 200"):
        fit_weights(x, y, np.repeat([1, 2], 150), current=Weights())
    with pytest.raises(NotEnoughData, match="no part of the score"):
        engine_weights(np.zeros(4), Weights())


@pytest.mark.django_db
def test_the_command_prints_both_fits_and_saves_a_candidate(capsys):
    build_history(rounds=5, per_round=400, seed=5)
    call_command("matching_fit_weights", "--save")
    out = capsys.readouterr().out
    assert "== both accepted ==" in out
    assert "== met ==" in out
    assert "training: 1600 intros" in out
    assert "holdout: 400 intros" in out
    version = WeightVersion.objects.get()
    assert version.status == WeightVersion.Status.CANDIDATE
    assert version.target == "accepted"
    assert set(version.weights) == set(FEATURES)
    holdout = version.holdout
    assert holdout["fitted"]["auc"] > holdout["current"]["auc"]
    assert holdout["train"] == 1600
    assert holdout["holdout"] == 400
    assert f"{holdout['fitted']['auc']:.3f}" in out


@pytest.mark.django_db
def test_the_command_says_when_there_are_too_few_outcomes():
    build_history(rounds=3, per_round=50, seed=6)
    with pytest.raises(CommandError, match="Not enough data to fit “both accepted”"):
        call_command("matching_fit_weights", "--save")
    assert not WeightVersion.objects.exists()


@pytest.mark.django_db
def test_only_decided_intros_proposed_by_rounds_count():
    build_history(rounds=1, per_round=30, seed=7)
    # Not proposed by a round (a requested intro): not a sample.
    first = Introduction.objects.first()
    requested = Introduction.objects.create(
        member_a_id=first.member_a_id,
        member_b_id=first.member_b_id,
        state="connected",
        offered_at=first.offered_at,
        connected_at=first.offered_at,
        component_interest=0.5,
        component_goal_units=2,
        component_cross_specialty=False,
        component_prefers_other=False,
    )
    samples = learning.outcome_samples("accepted")
    assert len(samples.y) == 30
    intro = Introduction.objects.filter(state="declined").first() or (
        Introduction.objects.filter(state="expired").first()
    )
    # A bounce is not the pair's decision; an open offer is not decided yet.
    Introduction.objects.filter(pk=intro.pk).update(
        state="declined", a_decline_reason="undeliverable"
    )
    Introduction.objects.filter(
        pk=Introduction.objects.filter(state="connected")
        .exclude(pk=requested.pk)
        .first()
        .pk
    ).update(state="offered", connected_at=None)
    assert len(learning.outcome_samples("accepted").y) == 28
    met = learning.outcome_samples("met")
    answered = (
        Introduction.objects.filter(state="connected", feedback__met__in=["yes", "no"])
        .exclude(pk=requested.pk)
        .count()
    )
    not_connected = Introduction.objects.filter(
        state__in=["declined", "expired"]
    ).exclude(a_decline_reason="undeliverable")
    assert len(met.y) == answered + not_connected.count()


@pytest.mark.django_db
def test_the_fit_learns_nothing_from_who_the_members_are():
    """The samples are the same whoever the intros were between and whichever
    interests are sensitive: no member or interest identity enters the fit."""
    build_history(rounds=3, per_round=100, seed=8)
    before = learning.outcome_samples("accepted")
    intros = list(Introduction.objects.order_by("pk"))
    rng = np.random.default_rng(0)
    members = [i.member_a_id for i in intros] + [i.member_b_id for i in intros]
    for intro in intros:
        a, b = sorted(rng.choice(sorted(set(members)), size=2, replace=False))
        intro.member_a_id, intro.member_b_id = int(a), int(b)
    Introduction.objects.bulk_update(intros, ["member_a", "member_b"])
    Interest.objects.update(sensitive=True)
    after = learning.outcome_samples("accepted")
    np.testing.assert_array_equal(before.x, after.x)
    np.testing.assert_array_equal(before.y, after.y)
