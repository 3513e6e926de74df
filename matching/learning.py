"""The learning loop: outcomes → fitted weights → a dry run → adopt or roll back.

1. `outcome_samples` reads, for each decided intro a round proposed, its stored
   score components and what happened (both accepted; met). Only aggregate
   numbers about the pair are read: no interest, no member identity.
2. `matching.fitting.fit_weights` fits the weights (the matching_fit_weights
   command), and `weight_version_save` keeps a fitted set as a candidate.
3. `weights_dry_run` runs the next round twice as dry runs on one snapshot,
   with the active weights and with the candidate's, and records how many of
   the proposed pairs would change.
4. `weight_version_adopt` makes a candidate the active version (rounds record
   which one they used); `weight_version_rollback` goes back to the one before.
"""

import logging
from dataclasses import dataclass

import numpy as np
from celery import signature
from django.db import connection, transaction
from django.utils import timezone

from introductions.models import Feedback, Introduction

from . import selectors, services
from .fitting import FitReport, features
from .models import Round, RoundBlock, RoundPair, RoundSnapshot, WeightVersion


@dataclass(frozen=True)
class OutcomeSamples:
    x: np.ndarray  # (n, 4) matching.fitting.FEATURES
    y: np.ndarray  # bool (n,)
    round_id: np.ndarray  # int64 (n,) grows with time


# Decided by the two members: accepted by both, declined, or let expire. An
# address that bounced (a decline set by Grapevyne) and a withdrawn intro say
# nothing about the pair.
_DECIDED = """
  i.component_interest IS NOT NULL
  AND i.offered_at IS NOT NULL
  AND i.state IN (%(connected)s, %(declined)s, %(expired)s)
  AND i.a_decline_reason <> %(bounced)s AND i.b_decline_reason <> %(bounced)s
"""


def _feedback_says(answers: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM introductions_feedback f"  # noqa: S608 (placeholders)
        f" WHERE f.intro_id = i.id AND f.met IN ({answers}))"
    )


def outcome_samples(target: str) -> OutcomeSamples:
    """Every decided intro proposed by a real round, with its outcome.

    target "accepted": both accepted. "met": both accepted and a member said they
    met; an intro both accepted counts only once a member answered yes or no.
    """
    if target == "accepted":
        outcome, known = "i.connected_at IS NOT NULL", "true"
    elif target == "met":
        outcome = f"i.connected_at IS NOT NULL AND {_feedback_says('%(yes)s')}"
        known = f"i.connected_at IS NULL OR {_feedback_says('%(yes)s, %(no)s')}"
    else:
        raise ValueError(f"unknown target {target!r}")
    params = {
        "connected": Introduction.State.CONNECTED,
        "declined": Introduction.State.DECLINED,
        "expired": Introduction.State.EXPIRED,
        "bounced": Introduction.DeclineReason.UNDELIVERABLE,
        "yes": Feedback.Met.YES,
        "no": Feedback.Met.NO,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT rp.round_id, i.component_interest, i.component_goal_units,
                   i.component_cross_specialty, i.component_prefers_other,
                   {outcome}
            FROM introductions_introduction i
            JOIN matching_roundpair rp ON rp.introduction_id = i.id
            JOIN matching_round r ON r.id = rp.round_id AND NOT r.dry_run
            WHERE {_DECIDED} AND ({known})
            ORDER BY rp.round_id, i.id
            """,  # noqa: S608 (no user input: fixed fragments above)
            params,
        )
        rows = cursor.fetchall()
    if not rows:
        return OutcomeSamples(
            np.zeros((0, 4)), np.zeros(0, bool), np.zeros(0, np.int64)
        )
    round_id, interest, units, cross, prefer, y = (
        np.array(c) for c in zip(*rows, strict=True)
    )
    return OutcomeSamples(
        x=features(
            interest.astype(np.float64),
            units.astype(np.float64),
            cross.astype(bool),
            prefer.astype(bool),
        ),
        y=y.astype(bool),
        round_id=round_id.astype(np.int64),
    )


def weight_version_save(*, report: FitReport, user=None) -> WeightVersion:
    """Keep a fitted weight set, with its holdout figures, as a candidate."""
    return WeightVersion.objects.create(
        weights=report.weights,
        target=report.target,
        holdout=report.to_json(),
        created_by=user,
    )


def _pairs(round_: Round) -> set[tuple[int, int]]:
    return set(
        RoundPair.objects.filter(round=round_).values_list("member_a_id", "member_b_id")
    )


def _dry_round_create(version: WeightVersion | None) -> Round:
    round_ = services.round_create(
        trigger=Round.Trigger.ADMIN, dry_run=True, weights_version=version
    )
    if round_ is None:  # only a real round can be refused
        raise RuntimeError("round_create refused a dry run")
    return round_


def _round_like(model: Round, version: WeightVersion) -> Round:
    """A dry run scoring the population frozen for ``model`` with other weights."""
    round_ = _dry_round_create(version)
    with transaction.atomic():
        # Copied inside PostgreSQL: the frozen arrays never travel through Python
        # (hundreds of megabytes at a million members).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {RoundSnapshot._meta.db_table} (round_id, data,"  # noqa: S608
                " created_at) SELECT %s, data, %s"
                f" FROM {RoundSnapshot._meta.db_table} WHERE round_id = %s",
                [round_.pk, timezone.now(), model.pk],
            )
        RoundBlock.objects.bulk_create(
            RoundBlock(round=round_, block=b.block, start=b.start, stop=b.stop)
            for b in RoundBlock.objects.filter(round=model)
        )
        Round.objects.filter(pk=round_.pk).update(
            status=Round.Status.SCORING,
            started_at=model.started_at,
            blocks=model.blocks,
            members_considered=model.members_considered,
        )
    return round_


def weights_dry_run(*, version: WeightVersion) -> dict:
    """How many of the next round's pairs would change under this version.

    Runs the round twice as dry runs (nothing proposed, nobody paused) on one
    frozen population: with the active weights, then with this version's.
    """
    active = selectors.weight_version_active()
    base = services.round_run_sync(round_id=_dry_round_create(active).pk)
    other = services.round_run_sync(round_id=_round_like(base, version).pk)
    before, after = _pairs(base), _pairs(other)
    result = {
        "at": timezone.now().isoformat(),
        "against": active.pk if active else None,
        "round_active": base.pk,
        "round_candidate": other.pk,
        "members": base.members_considered,
        "pairs_active": len(before),
        "pairs_candidate": len(after),
        "unchanged": len(before & after),
        "new": len(after - before),
        "dropped": len(before - after),
    }
    WeightVersion.objects.filter(pk=version.pk).update(dry_run=result)
    version.dry_run = result
    return result


logger = logging.getLogger(__name__)

# Looked up by name: matching.tasks imports this module.
DRY_RUN_TASK = "matching.tasks.weights_dry_run"


def weights_dry_run_queue(*, version_pk: int) -> WeightVersion:
    """Mark a candidate's dry run queued and hand it to a worker once that commits.

    Never holds a web request on a broker that is down (one attempt, no retry);
    when it refuses, the dry run reads as failed, with what to do, rather than
    queued for ever. Raises WeightVersion.DoesNotExist for a non-candidate.
    """
    with transaction.atomic():
        version = WeightVersion.objects.select_for_update().get(
            pk=version_pk, status=WeightVersion.Status.CANDIDATE
        )
        version.dry_run = {"status": "queued", "at": timezone.now().isoformat()}
        version.save(update_fields=["dry_run"])
        transaction.on_commit(lambda: _publish_dry_run(version.pk))
    return version


def _publish_dry_run(version_pk: int) -> None:
    try:
        signature(DRY_RUN_TASK).apply_async(
            (version_pk,), retry=False, ignore_result=True
        )
    except Exception as exc:  # whatever the broker raises, say so on the page
        logger.warning("Broker unavailable (%s): dry run not queued", exc)
        WeightVersion.objects.filter(pk=version_pk, dry_run__status="queued").update(
            dry_run={
                "status": "failed",
                "error": "the task queue could not be reached; run it again later",
            }
        )


class WeightVersionError(ValueError):
    """The version cannot be adopted, or there is nothing to roll back."""


def dry_run_is_current(version: WeightVersion, active: WeightVersion | None) -> bool:
    """Whether the version's finished dry run compared it with the weights in use
    now: one made before another adoption or a rollback says nothing about them."""
    return "pairs_candidate" in version.dry_run and version.dry_run.get("against") == (
        active.pk if active else None
    )


@transaction.atomic
def weight_version_adopt(*, version: WeightVersion, user=None) -> WeightVersion:
    """Make a candidate the active version; the active one retires."""
    version = WeightVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != WeightVersion.Status.CANDIDATE:
        raise WeightVersionError(f"{version} is not a candidate")
    if "pairs_candidate" not in version.dry_run:
        raise WeightVersionError(f"{version} has no finished dry run: run one first")
    now = timezone.now()
    active = (
        WeightVersion.objects.select_for_update()
        .filter(status=WeightVersion.Status.ACTIVE)
        .first()
    )
    if not dry_run_is_current(version, active):
        raise WeightVersionError(
            f"the weights in use changed after {version}'s dry run: run it again"
        )
    if active is not None:
        active.status, active.retired_at = WeightVersion.Status.RETIRED, now
        active.save(update_fields=["status", "retired_at"])
    version.status = WeightVersion.Status.ACTIVE
    version.activated_at, version.activated_by = now, user
    version.retired_at = None
    version.previous = active
    version.save(
        update_fields=[
            "status",
            "activated_at",
            "activated_by",
            "retired_at",
            "previous",
        ]
    )
    return version


@transaction.atomic
def weight_version_rollback(*, user=None) -> WeightVersion | None:
    """Retire the active version and bring back the one before it (None: the
    settings' weights). Returns the version now active."""
    active = (
        WeightVersion.objects.select_for_update()
        .filter(status=WeightVersion.Status.ACTIVE)
        .first()
    )
    if active is None:
        raise WeightVersionError("No fitted weights are active: nothing to roll back")
    now = timezone.now()
    active.status, active.retired_at = WeightVersion.Status.RETIRED, now
    active.save(update_fields=["status", "retired_at"])
    previous = active.previous
    if previous is None:
        return None
    previous = WeightVersion.objects.select_for_update().get(pk=previous.pk)
    previous.status = WeightVersion.Status.ACTIVE
    previous.activated_at, previous.activated_by = now, user
    previous.retired_at = None
    previous.save(
        update_fields=["status", "activated_at", "activated_by", "retired_at"]
    )
    return previous
