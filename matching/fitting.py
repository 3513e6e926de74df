"""Fitting the score's weights to how introductions turned out: Django-free.

The model is a logistic regression of an outcome ("both accepted", "met") on the
pair's score components, with one global coefficient per weight of the score::

    P(outcome) = sigmoid(b0 + b_interest * interest + b_goal * goal kinds
                         + b_cross * cross-specialty (no preference)
                         + b_pref * cross-specialty (a member prefers it))

The coefficients are bounded non-negative (a part of the score never counts
against a pair) and found by L-BFGS-B on the mean log-loss with a small ridge
term. The features are aggregate numbers about the pair: no interest, no member,
no pair identity enters, so nothing is learnt about a sensitive interest or
about one member's view of another.

The engine's score is a ranking, so only the coefficients' direction matters to
it: they become engine weights scaled to the current weights' sum, which keeps
the score on the same scale as the floor ``min_score``.

The holdout is by time: train on older rounds, test on the latest ones. The
current weights are judged on the same holdout: their AUC straight from the
score, their calibration after a one-variable logistic fit (Platt scaling) of the
score on the training rounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .scoring import Weights

FEATURES = ("interest", "goal", "cross_specialty", "cross_specialty_preferred")
FEATURE_LABELS = {
    "interest": "shared rare interests (IDF cosine)",
    "goal": "complementary goals on topic (kinds)",
    "cross_specialty": "different specialties",
    "cross_specialty_preferred": "different specialties, preferred by a member",
}
TARGETS = {"accepted": "both accepted", "met": "met"}
RIDGE = 1e-4
CALIBRATION_BINS = 5


class NotEnoughData(ValueError):
    """Too few outcomes to fit or to judge a fit; the message says what is missing."""


def features(
    interest: np.ndarray,
    goal_units: np.ndarray,
    cross_specialty: np.ndarray,
    prefers_other: np.ndarray,
) -> np.ndarray:
    """(n, 4) design matrix in FEATURES order, from the stored components."""
    cross = np.asarray(cross_specialty, bool)
    prefer = np.asarray(prefers_other, bool)
    return np.column_stack(
        [
            np.asarray(interest, np.float64),
            np.asarray(goal_units, np.float64) / 4.0,
            (cross & ~prefer).astype(np.float64),
            (cross & prefer).astype(np.float64),
        ]
    )


def weight_vector(weights: Weights) -> np.ndarray:
    """The score as a linear function of the features: its weights in FEATURES order."""
    return np.array(
        [
            weights.interest,
            weights.goal,
            weights.cross_specialty,
            weights.cross_specialty_preferred,
        ],
        np.float64,
    )


@dataclass(frozen=True)
class Logistic:
    intercept: float
    coef: np.ndarray  # float64 (d,)

    def logit(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float64)
        logit: np.ndarray = (
            self.intercept + (x[:, None] if x.ndim == 1 else x) @ self.coef
        )
        return logit

    def predict(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, non_negative: bool = True, ridge: float = RIDGE
) -> Logistic:
    """Maximum likelihood (plus ridge on the coefficients), coefficients >= 0."""
    x = np.asarray(x, np.float64)
    if x.ndim == 1:
        x = x[:, None]
    y = np.asarray(y, np.float64)
    n, d = x.shape
    design = np.column_stack([np.ones(n), x])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ theta
        value = np.mean(np.logaddexp(0.0, z) - y * z)
        value += 0.5 * ridge * float(theta[1:] @ theta[1:])
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid without overflow
        grad = design.T @ (p - y) / n
        grad[1:] += ridge * theta[1:]
        return value, grad

    rate = min(max(y.mean(), 1e-6), 1 - 1e-6)
    start = np.zeros(d + 1)
    start[0] = np.log(rate / (1 - rate))
    bounds = [(None, None)] + [(0.0, None) if non_negative else (None, None)] * d
    # scipy is imported here, not at the top: the web and worker processes import
    # this module (for FEATURES) and only the fitting command and dry runs fit.
    from scipy.optimize import minimize

    result = minimize(
        loss,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 500},
    )
    return Logistic(intercept=float(result.x[0]), coef=np.array(result.x[1:]))


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve: the chance a positive outranks a negative (ties
    count half), by the Mann-Whitney U statistic."""
    y = np.asarray(y, bool)
    pos, neg = np.asarray(score)[y], np.asarray(score)[~y]
    if not len(pos) or not len(neg):
        raise NotEnoughData("AUC needs both outcomes in the holdout")
    from scipy.stats import mannwhitneyu

    return float(mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg)))


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(np.asarray(p, np.float64), 1e-12, 1 - 1e-12)
    y = np.asarray(y, np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@dataclass(frozen=True)
class CalibrationBin:
    predicted: float  # mean predicted probability in the bin
    observed: float  # share of positives in the bin
    count: int


def calibration(
    p: np.ndarray, y: np.ndarray, bins: int = CALIBRATION_BINS
) -> list[CalibrationBin]:
    """Predicted against observed rates in equal-count bins of the prediction."""
    order = np.argsort(p, kind="stable")
    out = []
    for part in np.array_split(order, min(bins, len(order))):
        if len(part):
            out.append(
                CalibrationBin(
                    float(np.mean(p[part])), float(np.mean(y[part])), len(part)
                )
            )
    return out


def calibration_error(bins: list[CalibrationBin]) -> float:
    """Count-weighted mean |predicted - observed| over the bins."""
    total = sum(b.count for b in bins)
    return sum(abs(b.predicted - b.observed) * b.count for b in bins) / total


def engine_weights(coef: np.ndarray, current: Weights) -> dict[str, float]:
    """Fitted coefficients as engine weights, scaled to the current weights' sum."""
    coef = np.maximum(np.asarray(coef, np.float64), 0.0)
    total = coef.sum()
    if total <= 0:
        raise NotEnoughData(
            "The fit found no part of the score that predicts the outcome"
        )
    scaled = coef * (weight_vector(current).sum() / total)
    return {name: round(float(v), 6) for name, v in zip(FEATURES, scaled, strict=True)}


@dataclass(frozen=True)
class Judged:
    """One model judged on the holdout."""

    auc: float
    log_loss: float
    calibration: list[CalibrationBin]

    @property
    def calibration_error(self) -> float:
        return calibration_error(self.calibration)


@dataclass(frozen=True)
class FitReport:
    target: str
    rounds_train: list[int]
    rounds_holdout: list[int]
    train: int
    train_positive: int
    holdout: int
    holdout_positive: int
    model: Logistic
    weights: dict[str, float]
    fitted: Judged
    current: Judged
    current_weights: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        def judged(j: Judged) -> dict[str, object]:
            return {
                "auc": round(j.auc, 4),
                "log_loss": round(j.log_loss, 4),
                "calibration_error": round(j.calibration_error, 4),
                "calibration": [
                    [round(b.predicted, 4), round(b.observed, 4), b.count]
                    for b in j.calibration
                ],
            }

        return {
            "target": self.target,
            "rounds_train": self.rounds_train,
            "rounds_holdout": self.rounds_holdout,
            "train": self.train,
            "train_positive": self.train_positive,
            "holdout": self.holdout,
            "holdout_positive": self.holdout_positive,
            "intercept": round(self.model.intercept, 6),
            "coefficients": {
                n: round(float(c), 6)
                for n, c in zip(FEATURES, self.model.coef, strict=True)
            },
            "fitted": judged(self.fitted),
            "current": judged(self.current),
            "current_weights": self.current_weights,
        }


def fit_weights(
    x: np.ndarray,
    y: np.ndarray,
    round_order: np.ndarray,
    *,
    current: Weights,
    target: str = "accepted",
    holdout_rounds: int = 1,
    min_samples: int = 200,
    min_positives: int = 20,
) -> FitReport:
    """Fit on all but the latest ``holdout_rounds`` rounds, judge on those.

    ``round_order`` gives each sample's round as a number that grows with time
    (the round's id). Raises NotEnoughData with a clear message when the data
    cannot support a fit or its judgement.
    """
    x = np.asarray(x, np.float64)
    y = np.asarray(y, bool)
    round_order = np.asarray(round_order, np.int64)
    rounds = np.unique(round_order)
    held = _held_out(rounds, holdout_rounds)
    test = np.isin(round_order, held)
    train = ~test
    n_train, pos_train = int(train.sum()), int(y[train].sum())
    n_test, pos_test = int(test.sum()), int(y[test].sum())
    _check_samples(
        (n_train, pos_train),
        (n_test, pos_test),
        label=TARGETS[target],
        min_samples=min_samples,
        min_positives=min_positives,
    )
    model = fit_logistic(x[train], y[train])
    fitted_p = model.predict(x[test])
    current_vector = weight_vector(current)
    score = x @ current_vector
    platt = fit_logistic(score[train], y[train], non_negative=False, ridge=0.0)
    current_p = platt.predict(score[test])
    return FitReport(
        target=target,
        rounds_train=[int(r) for r in rounds[:-holdout_rounds]],
        rounds_holdout=[int(r) for r in held],
        train=n_train,
        train_positive=pos_train,
        holdout=n_test,
        holdout_positive=pos_test,
        model=model,
        weights=engine_weights(model.coef, current),
        fitted=_judged(fitted_p, fitted_p, y[test]),
        current=_judged(score[test], current_p, y[test]),
        current_weights={
            n: float(v) for n, v in zip(FEATURES, current_vector, strict=True)
        },
    )


def _held_out(rounds: np.ndarray, holdout_rounds: int) -> np.ndarray:
    """The latest ``holdout_rounds`` rounds, when older ones remain to train on."""
    if len(rounds) < holdout_rounds + 1:
        raise NotEnoughData(
            f"{len(rounds)} round(s) with outcomes: need at least "
            f"{holdout_rounds + 1} (older rounds to train on, then the latest "
            f"{holdout_rounds} to test on)"
        )
    held: np.ndarray = rounds[-holdout_rounds:]
    return held


def _judged(ranking: np.ndarray, p: np.ndarray, y: np.ndarray) -> Judged:
    """How well ``ranking`` orders the outcomes ``y`` and how true the
    probabilities ``p`` are."""
    return Judged(auc(ranking, y), log_loss(p, y), calibration(p, y))


def _check_samples(
    training: tuple[int, int],
    holdout: tuple[int, int],
    *,
    label: str,
    min_samples: int,
    min_positives: int,
) -> None:
    """Raise NotEnoughData unless the training rounds have ``min_samples`` intros
    and both sides have intros with and without the outcome (``min_positives`` of
    each to train on, one of each to judge on). Each side is (intros, positives)."""
    n_train, _ = training
    if n_train < min_samples:
        raise NotEnoughData(
            f"{n_train} decided intros with components in the training rounds: "
            f"need at least {min_samples}"
        )
    for where, (n, pos) in (("training", training), ("holdout", holdout)):
        if min(pos, n - pos) < (min_positives if where == "training" else 1):
            raise NotEnoughData(
                f"{pos} of {n} intros in the {where} rounds {label}: need at least "
                f"{min_positives if where == 'training' else 1} with and without"
            )
