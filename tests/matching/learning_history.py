"""Synthetic outcomes from planted weights: the learning loop's test data.

Components are drawn with plausible spreads; "both accepted" is then drawn from a
logistic model with the planted coefficients, whose direction differs from the
default weights' (goals and a preferred cross-specialty matter most, shared
interests little), so a fit that finds them must rank the holdout better.
"""

from datetime import timedelta

import numpy as np
from django.utils import timezone

from introductions.models import Feedback, Introduction
from matching.fitting import FEATURES, features
from matching.models import Round, RoundPair
from profiles.factories import ProfileFactory
from profiles.models import Profile

PLANTED_INTERCEPT = -1.5
PLANTED = {
    "interest": 0.3,
    "goal": 1.6,
    "cross_specialty": 0.0,
    "cross_specialty_preferred": 1.8,
}
# Largest absolute error allowed per logit coefficient (30,000 samples).
TOLERANCE = 0.2


def planted_vector() -> np.ndarray:
    return np.array([PLANTED[f] for f in FEATURES])


def draw_components(n: int, rng: np.random.Generator):
    interest = rng.beta(2.0, 5.0, size=n)
    units = rng.choice([0, 1, 2, 4, 6, 8], p=[0.2, 0.1, 0.3, 0.2, 0.1, 0.1], size=n)
    cross = rng.random(n) < 0.7
    prefer = rng.random(n) < 0.3
    return interest, units, cross, prefer


def draw_outcomes(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    logit = PLANTED_INTERCEPT + x @ planted_vector()
    return rng.random(len(x)) < 1.0 / (1.0 + np.exp(-logit))


def synthetic_samples(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = features(*draw_components(n, rng))
    return x, draw_outcomes(x, rng)


def build_history(*, rounds: int, per_round: int, members: int = 60, seed: int = 0):
    """Real rounds and decided intros with components and planted outcomes; a
    member who met says so (half the met pairs), so "met" has data too."""
    rng = np.random.default_rng(seed)
    for _ in range(members):
        ProfileFactory()
    profiles = list(Profile.objects.order_by("pk").values_list("pk", flat=True))
    all_pairs = [(a, b) for n, a in enumerate(profiles) for b in profiles[n + 1 :]]
    start = timezone.now() - timedelta(weeks=rounds + 2)
    made = []
    for r in range(rounds):
        at = start + timedelta(weeks=r)
        round_ = Round.objects.create(
            trigger=Round.Trigger.BEAT, status=Round.Status.DONE, created_at=at
        )
        chosen = rng.choice(len(all_pairs), size=per_round, replace=False)
        interest, units, cross, prefer = draw_components(per_round, rng)
        y = draw_outcomes(features(interest, units, cross, prefer), rng)
        intros = Introduction.objects.bulk_create(
            Introduction(
                member_a_id=all_pairs[c][0],
                member_b_id=all_pairs[c][1],
                state="connected" if y[k] else str(rng.choice(["declined", "expired"])),
                score=0.0,
                component_interest=float(interest[k]),
                component_goal_units=int(units[k]),
                component_cross_specialty=bool(cross[k]),
                component_prefers_other=bool(prefer[k]),
                component_windows_overlap=True,
                offered_at=at,
                connected_at=at + timedelta(days=2) if y[k] else None,
                created_at=at,
            )
            for k, c in enumerate(chosen.tolist())
        )
        RoundPair.objects.bulk_create(
            RoundPair(
                round=round_,
                member_a_id=all_pairs[c][0],
                member_b_id=all_pairs[c][1],
                score=0.0,
                introduction=i,
            )
            for i, c in zip(intros, chosen.tolist(), strict=True)
        )
        Feedback.objects.bulk_create(
            Feedback(
                intro=i,
                member_id=all_pairs[c][0],
                met="yes" if rng.random() < 0.5 else "no",
            )
            for i, c in zip(intros, chosen.tolist(), strict=True)
            if i.connected_at is not None
        )
        made.append(round_)
    return made
