"""A round's last step: its shortlists read back, its pairs chosen (`choose.py`,
phase *pair*), then proposed as introductions and recorded (phase *write*)."""

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from psycopg.types.json import Jsonb

from introductions.services import ProposedPair, introductions_propose
from profiles.services import profiles_mark_introduced

from .. import pgcopy, selectors
from ..explain import explanations_for
from ..models import LeftOut, Round, RoundBlock, RoundPair
from ..snapshot import Snapshot
from .blocks import round_shortlists
from .choose import RoundChoice, round_choice, round_pairs
from .prepare import round_snapshot
from .rounds import RoundNotReady

# The intros a finish made, their ids by pair.
_Created = dict[tuple[int, int], int]


@dataclass(frozen=True)
class Progress:
    """The figures of a finish known before it writes: its blocks' totals, the
    shortlist cap it used, and its own times."""

    candidate_pairs: int
    shortlist_cap: int
    seconds_score: float  # the blocks'
    seconds_write_blocks: float  # the blocks' writing of their candidates
    seconds_load: float  # reading the shortlists back
    seconds_pair: float
    paired: float  # time.perf_counter() when pairing ended: writing starts there

    def seconds_write(self) -> float:
        return self.seconds_write_blocks + (time.perf_counter() - self.paired)


def round_finish(*, round_id: int) -> Round:
    """Choose the round's pairs from all blocks' candidates and propose them.

    Idempotent: everything it writes happens in one transaction that also marks the
    round done, so after a crash it simply runs again.
    """
    round_ = Round.objects.get(pk=round_id)
    if round_.status == Round.Status.DONE:
        return round_
    totals = _blocks_totals(round_)
    # Two finishers can overlap (a redelivered task, a round continued while it
    # ran): the progress marks must not turn a finished round back into a running
    # one, or the later finisher would rewrite its figures.
    unfinished = Round.objects.filter(pk=round_id).exclude(
        status__in=Round.FINISHED_STATES
    )
    unfinished.update(status=Round.Status.PAIRING)

    started = time.perf_counter()
    snapshot = round_snapshot(round_id)
    cand, score, shortlist_cap = round_shortlists(round_, snapshot)
    loaded = time.perf_counter()
    pairs = round_pairs(round_.parameters, snapshot, cand, score)
    paired = time.perf_counter()
    unfinished.update(status=Round.Status.WRITING)

    choice = round_choice(round_.parameters, snapshot, cand, score, pairs)
    progress = Progress(
        candidate_pairs=totals["candidates"] or 0,
        shortlist_cap=shortlist_cap,
        seconds_score=totals["score"] or 0.0,
        seconds_write_blocks=totals["write"] or 0.0,
        seconds_load=loaded - started,
        seconds_pair=paired - loaded,
        paired=paired,
    )
    return round_write(
        round_id=round_id, snapshot=snapshot, choice=choice, progress=progress
    )


def _blocks_totals(round_: Round) -> dict[str, Any]:
    """The scored blocks' candidates and seconds; RoundNotReady before they are."""
    if round_.status not in (
        Round.Status.SCORING,
        Round.Status.PAIRING,
        Round.Status.WRITING,
    ):
        raise RoundNotReady(f"Round {round_.pk} is {round_.status}")
    blocks = RoundBlock.objects.filter(round=round_)
    if blocks.filter(done_at__isnull=True).exists():
        raise RoundNotReady(f"Round {round_.pk} has blocks left to score")
    return blocks.aggregate(
        candidates=Sum("candidates"), score=Sum("seconds"), write=Sum("seconds_write")
    )


def round_write(
    *, round_id: int, snapshot: Snapshot, choice: RoundChoice, progress: Progress
) -> Round:
    """Propose the chosen pairs and store the round's pairs, left-out members and
    figures, in one transaction that marks the round done (unless another
    finisher did first: then nothing is written)."""
    explanations = explanations_for(snapshot, choice.pairs)
    ids = snapshot.ids
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if round_.status == Round.Status.DONE:
            return round_
        # Members deleted or suspended since the snapshot get no intro and no rows.
        gone = selectors.members_gone(ids)
        pair_ids = ids[choice.pairs].tolist() if len(choice.pairs) else []
        proposed = [
            ProposedPair(a, b, s, e, c)
            for (a, b), s, e, c in zip(
                pair_ids, choice.scores, explanations, choice.components, strict=True
            )
            if a not in gone and b not in gone
        ]
        left_out = {
            member: why
            for member, why in zip(
                ids[list(choice.left_out)].tolist(),
                choice.left_out.values(),
                strict=True,
            )
            if member not in gone
        }
        created = {} if round_.dry_run else _propose(round_, proposed)
        _copy_rows(round_, proposed, left_out, created)
        _record(round_, choice, proposed, created, progress)
    # The deferred foreign key checks ran at commit: count them as writing.
    round_.seconds_write = progress.seconds_write()
    Round.objects.filter(pk=round_id).update(seconds_write=round_.seconds_write)
    return round_


def _propose(round_: Round, proposed: list[ProposedPair]) -> _Created:
    """The intros made now, by pair; a pair with an open intro already gets none."""
    created = introductions_propose(pairs=proposed)
    # Only members of intros made now: a pair skipped for its open intro was
    # introduced when that one was made.
    profiles_mark_introduced(
        profile_ids=np.unique(np.array(list(created), dtype=np.int64)).tolist(),
        at=round_.started_at or timezone.now(),
    )
    return created


def _copy_rows(
    round_: Round,
    proposed: list[ProposedPair],
    left_out: dict[int, str],
    created: _Created,
) -> None:
    """The round's pairs and left-out members, replacing any an earlier try wrote."""
    RoundPair.objects.filter(round=round_).delete()
    pgcopy.copy_rows(
        RoundPair,
        [
            "round_id",
            "member_a_id",
            "member_b_id",
            "score",
            "explanation",
            "introduction_id",
        ],
        (
            (
                round_.pk,
                p.member_a_id,
                p.member_b_id,
                p.score,
                Jsonb(p.explanation.to_json()),
                created.get((p.member_a_id, p.member_b_id)),
            )
            for p in proposed
        ),
    )
    LeftOut.objects.filter(round=round_).delete()
    pgcopy.copy_rows(
        LeftOut,
        ["round_id", "member_id", "reason"],
        ((round_.pk, member, str(reason)) for member, reason in left_out.items()),
    )


def _record(
    round_: Round,
    choice: RoundChoice,
    proposed: list[ProposedPair],
    created: _Created,
    progress: Progress,
) -> None:
    """The round's figures, and the round marked done."""
    round_.candidate_pairs = progress.candidate_pairs
    # Members per shortlist at most (beyond the always kept entries), 0: off.
    round_.parameters = {
        **round_.parameters,
        "shortlist_cap_members": progress.shortlist_cap,
    }
    round_.pairs_chosen = len(proposed)
    round_.members_with_candidate = choice.members_with_candidate
    round_.members_served = len(
        {member for p in proposed for member in (p.member_a_id, p.member_b_id)}
    )
    round_.pairs_outside_windows = choice.pairs_outside_windows
    round_.score_total = float(sum(p.score for p in proposed))
    round_.intros_created = len(created)
    round_.seconds_score = progress.seconds_score
    round_.seconds_load += progress.seconds_load
    round_.seconds_pair = progress.seconds_pair
    round_.seconds_write = progress.seconds_write()
    round_.status = Round.Status.DONE
    round_.finished_at = timezone.now()
    round_.error = ""
    round_.save()
