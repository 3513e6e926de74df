"""Matching rounds: every write the engine makes, phase by phase.

A round goes pending → scoring → pairing → writing → done (or failed):

1. `round_prepare` pauses absent members, freezes the eligible population into a
   snapshot and cuts it into blocks (phase *load*).
2. `round_score_block`, once per block, possibly on several machines, writes each
   member's top-k candidates (phase *score*; the COPY counts as *write*).
3. `round_finish` reads every block's candidates, chooses the pairs with the core's
   greedy b-matching (phase *pair*), and proposes them as introductions with their
   explanations (phase *write*).

Each step is idempotent, so a crashed round is resumed by running the steps it has
not finished (`round_run_sync` or the `resume_round` task), and a re-run never
proposes a pair twice: pairs introduced before are excluded and the database
refuses a second open introduction for a pair.
"""

import enum
import logging
import time
from dataclasses import asdict
from datetime import datetime
from typing import Final

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from psycopg.types.json import Jsonb

from introductions import emails, outbox, tokens
from introductions.models import OutboxEmail
from introductions.services import ProposedPair, introductions_create_proposed
from profiles.models import Profile
from profiles.services import profile_resume, profiles_mark_introduced

from . import pgcopy, selectors
from .components import pair_components
from .explain import explanations_for
from .models import (
    AutoPause,
    LeftOut,
    Round,
    RoundBlock,
    RoundPair,
    RoundSnapshot,
    WeightVersion,
)
from .pairing import cap_shortlists, pair_round
from .scoring import Weights, idf, top_candidates
from .snapshot import Snapshot
from .windows import window_sets

logger = logging.getLogger(__name__)

# Arbitrary constant: the first key of the advisory locks this module takes.
_LOCK_NAMESPACE = 7_1207


class _Active(enum.Enum):
    VERSION = "active"


# "The active version, whichever it is" (None means the settings' weights).
ACTIVE_VERSION: Final = _Active.VERSION


class RoundNotReady(RuntimeError):
    """The round is not in a state where this step can run."""


def matching_weights(
    version: WeightVersion | _Active | None = ACTIVE_VERSION,
) -> Weights:
    """The weights a round scores with: the settings', with the four fitted
    weights of a version (the active one unless told) in place of theirs."""
    if version is ACTIVE_VERSION:
        version = selectors.weight_version_active()
    fitted = version.weights if version is not None else {}
    return Weights(
        interest=fitted.get("interest", settings.MATCHING_WEIGHT_INTEREST),
        goal=fitted.get("goal", settings.MATCHING_WEIGHT_GOAL),
        goal_max_kinds=settings.MATCHING_GOAL_MAX_KINDS,
        cross_specialty=fitted.get(
            "cross_specialty", settings.MATCHING_WEIGHT_CROSS_SPECIALTY
        ),
        cross_specialty_preferred=fitted.get(
            "cross_specialty_preferred",
            settings.MATCHING_WEIGHT_CROSS_SPECIALTY_PREFERRED,
        ),
        min_score=settings.MATCHING_MIN_SCORE,
        common_tag_share=settings.MATCHING_COMMON_TAG_SHARE,
        common_tag_min_members=settings.MATCHING_COMMON_TAG_MIN_MEMBERS,
    )


# --- Auto-pause -----------------------------------------------------------------


@transaction.atomic
def members_auto_pause(
    *, round_: Round | None = None, now: datetime | None = None
) -> list[int]:
    """Pause every member who ignored their last offers, and tell them how to resume.

    An offer nobody answers is an introduction wasted for the other member too.
    Which offers count as ignored is `selectors.members_to_auto_pause`. The email is
    written to the outbox in this same transaction, so it is sent (and retried)
    exactly like every other email, and never lost with a failed send.
    """
    profile_ids = selectors.members_to_auto_pause(now=now)
    if not profile_ids:
        return []
    # Locked, so that the sweep and a round starting at the same moment cannot both
    # pause (and email) one member: the second sees the row already paused.
    paused = list(
        Profile.objects.filter(pk__in=profile_ids)
        .exclude(intro_frequency=Profile.Frequency.PAUSED)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    Profile.objects.filter(pk__in=paused).update(
        intro_frequency=Profile.Frequency.PAUSED, updated_at=timezone.now()
    )
    pauses = AutoPause.objects.bulk_create(
        [AutoPause(profile_id=pk, round=round_) for pk in paused]
    )
    for pause in pauses:
        auto_pause_email_enqueue(auto_pause=pause)
    logger.info("Paused %d members who ignored their last offers", len(paused))
    return paused


def auto_pause_email_enqueue(*, auto_pause: AutoPause) -> None:
    """The "we paused your introductions" email, with a one-click resume link."""
    profile = Profile.objects.select_related("user").get(pk=auto_pause.profile_id)
    token = tokens.make_token(
        action=tokens.RESUME, member_id=profile.pk, ref=auto_pause.pk
    )
    rendered = emails.render_auto_pause(
        profile,
        resume_url=emails.absolute(reverse("matching_resume", args=[token])),
        expired=settings.MATCHING_AUTO_PAUSE_AFTER,
    )
    outbox.outbox_enqueue(
        kind=OutboxEmail.Kind.AUTO_PAUSE,
        event_key=f"auto-pause:{auto_pause.pk}",
        rendered=rendered,
        recipient=profile,
    )


class AlreadyResumed(Exception):
    """This pause was undone already (by its link, or by the member)."""


@transaction.atomic
def auto_pause_resume(*, auto_pause: AutoPause) -> None:
    """Undo one auto-pause from its email link: once, and only while it holds.

    A member who resumed meanwhile, or was auto-paused again since, is not
    changed by an old link.
    """
    pause = AutoPause.objects.select_for_update().get(pk=auto_pause.pk)
    profile = Profile.objects.select_for_update().get(pk=pause.profile_id)
    newer = AutoPause.objects.filter(
        profile_id=pause.profile_id, created_at__gt=pause.created_at
    ).exists()
    if pause.resumed_at is not None or newer or not profile.is_paused():
        raise AlreadyResumed(f"Auto-pause {pause.pk} no longer holds")
    profile_resume(profile=profile)
    pause.resumed_at = timezone.now()
    pause.save(update_fields=["resumed_at"])


# --- Rounds: create and prepare ---------------------------------------------------


def _advisory_xact_lock(key1: int, key2: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int4, %s::int4)", [key1, key2])


@transaction.atomic
def round_create(
    *,
    trigger: str,
    dry_run: bool = False,
    weights_version: WeightVersion | _Active | None = ACTIVE_VERSION,
) -> Round | None:
    """A new pending round, or None when a real round is still running.

    Two real rounds at once would each propose intros against stale open counts;
    dry runs write nothing members see, so they may overlap anything. It scores
    with the active weight version unless told another (dry runs comparing one).
    """
    _advisory_xact_lock(_LOCK_NAMESPACE, 0)
    if (
        not dry_run
        and Round.objects.filter(dry_run=False)
        .exclude(status__in=Round.FINISHED_STATES)
        .exists()
    ):
        logger.warning("A matching round is already running; not starting another")
        return None
    if weights_version is ACTIVE_VERSION:
        weights_version = selectors.weight_version_active()
    weights = matching_weights(weights_version)
    cap = settings.MATCHING_SHORTLIST_CAP
    return Round.objects.create(
        trigger=trigger,
        dry_run=dry_run,
        weights_version=weights_version,
        # Spare candidates refill the lists the shortlist cap trims.
        k=settings.MATCHING_K + (settings.MATCHING_K // 4 if cap > 0 else 0),
        block_size=settings.MATCHING_BLOCK_SIZE,
        parameters={
            "weights": asdict(weights),
            "shortlist_k": settings.MATCHING_K,
            "shortlist_cap": cap,
            "exposure_cap": settings.MATCHING_EXPOSURE_CAP,
            "intros_per_round": settings.MATCHING_INTROS_PER_ROUND,
            "reintro_days": settings.MATCHING_REINTRO_DAYS,
            "augment_max_loss": settings.MATCHING_AUGMENT_MAX_LOSS,
        },
    )


def population_load(*, now=None, intros_per_round: int = 1) -> Snapshot:
    """The eligible members as the arrays the core scores."""
    now = now or timezone.now()
    members = selectors.members_eligible(now=now)
    tags = selectors.member_tags(members.ids)
    tag_ids = tags.tag_ids
    goals = selectors.member_goals(members.ids, tag_ids)
    left_out = selectors.members_left_out_last_round()
    waiting = selectors.members_left_out_last_round(waiting_only=True)
    member_windows = selectors.member_windows(members.ids)
    windows = window_sets(
        member_windows.windows,
        member_windows.member_set,
        member_windows.minutes,
        now=now,
    )
    return Snapshot(
        ids=members.ids,
        tag_indptr=tags.indptr,
        tag_indices=tags.indices,
        tag_ids=tag_ids,
        tag_holders=tags.holders,
        members_total=np.array([tags.members_total], np.int64),
        seeks=goals.seeks,
        offers=goals.offers,
        goal_kind_ids=goals.kind_ids,
        goal_indptr=goals.goals.indptr,
        goal_kind=goals.goals.kind,
        goal_seeks=goals.goals.seeks,
        goal_tag=goals.goals.tag,
        tag_category=selectors.tag_categories(tag_ids),
        window_sets=windows.sets,
        window_member=windows.member_set,
        window_length=windows.length,
        specialty=members.specialty_ids.astype(np.int32),
        prefers_other=members.prefers_other,
        priority=selectors.member_priority(members, left_out),
        waited=selectors.rows_of(waiting, members.ids) >= 0,
        capacity=np.minimum(members.room, intros_per_round).astype(np.int32),
        excluded=selectors.excluded_pairs(members.ids, now=now),
    )


def round_prepare(*, round_id: int) -> Round:
    """Freeze the population of a pending round and cut it into blocks.

    Runs in one transaction at REPEATABLE READ (when not nested), so that the
    several bulk reads see the same moment; a retry after a crash starts over.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if round_.status != Round.Status.PENDING:
            return round_
        started = time.perf_counter()
        round_.started_at = timezone.now()
        if not round_.dry_run:
            round_.members_paused = len(
                members_auto_pause(round_=round_, now=round_.started_at)
            )
        snapshot = population_load(
            now=round_.started_at,
            intros_per_round=round_.parameters["intros_per_round"],
        )
        RoundSnapshot.objects.create(round=round_, data=snapshot.to_bytes())
        n = len(snapshot)
        size = max(1, round_.block_size)
        RoundBlock.objects.bulk_create(
            [
                RoundBlock(
                    round=round_, block=b, start=start, stop=min(n, start + size)
                )
                for b, start in enumerate(range(0, n, size))
            ]
        )
        round_.blocks = (n + size - 1) // size
        round_.members_considered = n
        round_.status = Round.Status.SCORING
        round_.seconds_load = time.perf_counter() - started
        round_.save()
    _snapshot_cache.clear()
    _snapshot_cache[round_.pk] = snapshot
    return round_


_snapshot_cache: dict[int, Snapshot] = {}


def round_snapshot(round_id: int) -> Snapshot:
    """The round's snapshot, kept in memory for the next block of the same round."""
    if round_id not in _snapshot_cache:
        data = RoundSnapshot.objects.values_list("data", flat=True).get(
            round_id=round_id
        )
        _snapshot_cache.clear()
        _snapshot_cache[round_id] = Snapshot.from_bytes(data)
    return _snapshot_cache[round_id]


# --- Rounds: score a block ---------------------------------------------------------


def round_score_block(*, round_id: int, block: int) -> RoundBlock:
    """Score one block of the round's snapshot and store its candidates.

    Idempotent: the block's rows are deleted and rewritten in one transaction under
    an advisory lock, so a retried or duplicated task leaves the same rows once.
    """
    round_ = Round.objects.get(pk=round_id)
    if round_.status != Round.Status.SCORING:
        raise RoundNotReady(f"Round {round_id} is {round_.status}, not scoring")
    rb = RoundBlock.objects.get(round=round_, block=block)
    snapshot = round_snapshot(round_id)
    population = snapshot.population
    started = time.perf_counter()
    cand, score = top_candidates(
        population,
        k=round_.k,
        weights=Weights(**round_.parameters["weights"]),
        start=rb.start,
        stop=rb.stop,
        excluded=snapshot.excluded,
        idf_weights=idf(population),
    )
    scored = time.perf_counter()
    ids = snapshot.ids
    cand_ids = np.where(cand >= 0, ids[np.maximum(cand, 0)], -1)
    payload = pgcopy.candidate_rows(
        round_id, block, ids[rb.start : rb.stop], cand_ids, score
    )
    with transaction.atomic():
        # Negative first key: never the namespace lock above.
        _advisory_xact_lock(-(round_id % 2**31), block)
        with connection.cursor() as cursor:
            if rb.stop > rb.start:
                cursor.execute(
                    "DELETE FROM matching_candidate WHERE round_id = %s"
                    " AND member_id BETWEEN %s AND %s",
                    [round_id, int(ids[rb.start]), int(ids[rb.stop - 1])],
                )
            with cursor.cursor.copy(
                "COPY matching_candidate (round_id, member_id, rank, block,"
                " candidate_id, score) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.write(payload)
        rb.candidates = int((cand >= 0).sum())
        rb.seconds = scored - started
        rb.seconds_write = time.perf_counter() - scored
        rb.done_at = timezone.now()
        rb.save(update_fields=["candidates", "seconds", "seconds_write", "done_at"])
    # The foreign keys are checked at commit: that is write time too.
    rb.seconds_write = time.perf_counter() - scored
    RoundBlock.objects.filter(pk=rb.pk).update(seconds_write=rb.seconds_write)
    if any(key[0] != round_id for key in _block_cache):
        _block_cache.clear()
    _block_cache[round_id, block] = (rb.start, rb.stop, rb.candidates, cand, score)
    return rb


# Blocks this process scored, so that a round finished by the process that scored
# it (run_match_round --sync, the benchmark) need not read its candidates back.
# Scoring is deterministic, so these equal the committed rows, whoever wrote them
# last; round_candidates uses them only when every block is here and agrees.
_block_cache: dict[tuple[int, int], tuple] = {}


# --- Rounds: pair and write -------------------------------------------------------


def round_candidates(
    round_: Round, snapshot: Snapshot
) -> tuple[np.ndarray, np.ndarray]:
    """All blocks' candidates back as the core's (cand, score) arrays of rows."""
    n, k = len(snapshot), max(1, round_.k)
    blocks = list(
        RoundBlock.objects.filter(round=round_).values_list(
            "block", "start", "stop", "candidates"
        )
    )
    cached = [_block_cache.get((round_.pk, b)) for b, *_ in blocks]
    if blocks and all(
        c is not None and tuple(c[:3]) == (start, stop, count) and c[3].shape[1] == k
        for c, (_, start, stop, count) in zip(cached, blocks, strict=True)
    ):
        cand = np.full((n, k), -1, dtype=np.int32)
        score = np.zeros((n, k), dtype=np.float32)
        for start, stop, _, block_cand, block_score in cached:
            cand[start:stop] = block_cand
            score[start:stop] = block_score
        _block_cache.clear()
        return cand, score
    cols = selectors.copy_out(
        "SELECT member_id, rank::int4 AS rank, candidate_id, score"
        " FROM matching_candidate WHERE round_id = %s",
        [round_.pk],
        [
            ("member_id", "int8"),
            ("rank", "int4"),
            ("candidate_id", "int8"),
            ("score", "float8"),
        ],
        chunk_by="member_id >> 12",
    )
    cand = np.full((n, k), -1, dtype=np.int32)
    score = np.zeros((n, k), dtype=np.float32)
    rows = selectors.rows_of(snapshot.ids, cols["member_id"])
    cand[rows, cols["rank"]] = selectors.rows_of(snapshot.ids, cols["candidate_id"])
    score[rows, cols["rank"]] = cols["score"]
    return cand, score


def round_shortlists(
    round_: Round, snapshot: Snapshot
) -> tuple[np.ndarray, np.ndarray, int]:
    """The round's shortlists as pairing sees them: the candidates, trimmed by the
    shortlist cap (matching.pairing.cap_shortlists). Also returns the cap used."""
    cand, score = round_candidates(round_, snapshot)
    k = round_.parameters.get("shortlist_k", round_.k)
    return cap_shortlists(
        cand,
        score,
        k=k,
        cap_factor=round_.parameters.get("shortlist_cap", 0.0),
        priority=snapshot.priority,
        keep_rows=snapshot.waited if len(snapshot.waited) == len(snapshot) else None,
    )


def members_with_candidate(cand: np.ndarray, capacity: np.ndarray) -> int:
    """Members with room this round and at least one candidate, either way."""
    rows, cols = np.nonzero(cand >= 0)
    has_edge = np.zeros(len(capacity), dtype=bool)
    has_edge[rows] = True
    has_edge[cand[rows, cols]] = True
    return int((has_edge & (capacity > 0)).sum())


def left_out_reasons(
    cand: np.ndarray, pairs: np.ndarray, capacity: np.ndarray, exposure_cap: int
) -> dict[int, str]:
    """Why each member with room this round got no pair (snapshot row → reason).

    No candidate: nobody scored above the threshold with them. Odd one out: every
    one of their candidates was paired up to their limit with someone else.
    Capacity: a candidate still had room but the round's limits (the exposure
    cap) kept them apart.
    """
    n = len(capacity)
    got = np.bincount(pairs.ravel(), minlength=n) if len(pairs) else np.zeros(n, int)
    full = got >= np.minimum(capacity, exposure_cap)
    rows, cols = np.nonzero(cand >= 0)
    partners = cand[rows, cols]
    open_partner = np.zeros(n, dtype=bool)
    np.logical_or.at(open_partner, rows, ~full[partners])
    np.logical_or.at(open_partner, partners, ~full[rows])
    has_edge = np.zeros(n, dtype=bool)
    has_edge[rows] = True
    has_edge[partners] = True
    reasons = {}
    for row in np.flatnonzero((got == 0) & (capacity > 0)).tolist():
        if not has_edge[row]:
            reasons[row] = LeftOut.Reason.NO_CANDIDATE
        elif open_partner[row]:
            reasons[row] = LeftOut.Reason.CAPACITY
        else:
            reasons[row] = LeftOut.Reason.ODD_ONE_OUT
    return reasons


def round_finish(*, round_id: int) -> Round:
    """Choose the round's pairs from all blocks' candidates and propose them.

    Idempotent: everything it writes happens in one transaction that also marks the
    round done, so after a crash it simply runs again.
    """
    round_ = Round.objects.get(pk=round_id)
    if round_.status == Round.Status.DONE:
        return round_
    if round_.status not in (
        Round.Status.SCORING,
        Round.Status.PAIRING,
        Round.Status.WRITING,
    ):
        raise RoundNotReady(f"Round {round_id} is {round_.status}")
    blocks = RoundBlock.objects.filter(round=round_)
    if blocks.filter(done_at__isnull=True).exists():
        raise RoundNotReady(f"Round {round_id} has blocks left to score")
    totals = blocks.aggregate(
        candidates=Sum("candidates"), score=Sum("seconds"), write=Sum("seconds_write")
    )
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
    exposure_cap = round_.parameters["exposure_cap"]
    pairs = pair_round(
        cand,
        score,
        capacity=snapshot.capacity,
        exposure_cap=exposure_cap,
        priority=snapshot.priority,
        windows=snapshot.windows,
        max_loss=round_.parameters.get("augment_max_loss", 0.0),
        waited=snapshot.waited if len(snapshot.waited) == len(snapshot) else None,
    )
    paired = time.perf_counter()
    unfinished.update(status=Round.Status.WRITING)

    pair_scores = chosen_pair_scores(cand, score, pairs)
    windows = snapshot.windows
    outside_windows = (
        int((~windows.overlap(pairs[:, 0], pairs[:, 1])).sum())
        if windows is not None and len(pairs)
        else 0
    )
    explanations = explanations_for(snapshot, pairs)
    components = pair_components(
        snapshot.population,
        pairs,
        Weights(**round_.parameters["weights"]),
        windows=windows,
    )
    reasons = left_out_reasons(cand, pairs, snapshot.capacity, exposure_cap)
    ids = snapshot.ids
    pair_ids = ids[pairs] if len(pairs) else np.zeros((0, 2), dtype=np.int64)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        if round_.status == Round.Status.DONE:
            return round_
        created = {}
        # Members deleted or suspended since the snapshot get no intro and no rows.
        gone = selectors.members_gone(ids)
        kept = [
            n
            for n, (a, b) in enumerate(pair_ids.tolist())
            if a not in gone and b not in gone
        ]
        pair_ids = pair_ids[kept]
        pair_list = pair_ids.tolist()
        pair_scores = [pair_scores[n] for n in kept]
        explanations = [explanations[n] for n in kept]
        components = [components[n] for n in kept]
        reasons = {
            row: why for row, why in reasons.items() if int(ids[row]) not in gone
        }
        if not round_.dry_run:
            intros = introductions_create_proposed(
                pairs=[
                    ProposedPair(a, b, s, e, c)
                    for (a, b), s, e, c in zip(
                        pair_list, pair_scores, explanations, components, strict=True
                    )
                ]
            )
            created = {(i.member_a_id, i.member_b_id): i.pk for i in intros}
            # Only members of intros made now: a pair skipped for its open intro
            # was introduced when that one was made.
            profiles_mark_introduced(
                profile_ids=np.unique(np.array(list(created), dtype=np.int64)).tolist(),
                at=round_.started_at or timezone.now(),
            )
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
                (round_.pk, a, b, s, Jsonb(e.to_json()), created.get((a, b)))
                for (a, b), s, e in zip(
                    pair_list, pair_scores, explanations, strict=True
                )
            ),
        )
        LeftOut.objects.filter(round=round_).delete()
        pgcopy.copy_rows(
            LeftOut,
            ["round_id", "member_id", "reason"],
            (
                (round_.pk, member, str(reason))
                for member, reason in zip(
                    ids[list(reasons)].tolist(), reasons.values(), strict=True
                )
            ),
        )
        round_.candidate_pairs = totals["candidates"] or 0
        # Members per shortlist at most (beyond the always kept entries), 0: off.
        round_.parameters = {
            **round_.parameters,
            "shortlist_cap_members": shortlist_cap,
        }
        round_.pairs_chosen = len(pair_list)
        round_.members_with_candidate = members_with_candidate(cand, snapshot.capacity)
        round_.members_served = int(np.unique(pair_ids).size)
        round_.pairs_outside_windows = outside_windows
        round_.score_total = float(sum(pair_scores))
        round_.intros_created = len(created)
        round_.seconds_score = totals["score"] or 0.0
        round_.seconds_load += loaded - started
        round_.seconds_pair = paired - loaded
        round_.seconds_write = (totals["write"] or 0.0) + (time.perf_counter() - paired)
        round_.status = Round.Status.DONE
        round_.finished_at = timezone.now()
        round_.error = ""
        round_.save()
    # The deferred foreign key checks ran at commit: count them as writing.
    round_.seconds_write = (totals["write"] or 0.0) + (time.perf_counter() - paired)
    Round.objects.filter(pk=round_id).update(seconds_write=round_.seconds_write)
    return round_


def chosen_pair_scores(cand: np.ndarray, score: np.ndarray, pairs: np.ndarray) -> list:
    """The score of each chosen pair, found in either member's candidate list."""
    if len(pairs) == 0:
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    in_i = cand[i] == j[:, None]
    in_j = cand[j] == i[:, None]
    from_i = score[i, in_i.argmax(axis=1)]
    from_j = score[j, in_j.argmax(axis=1)]
    found_i = in_i.any(axis=1)
    return np.where(found_i, from_i, np.where(in_j.any(axis=1), from_j, 0.0)).tolist()


def round_fail(*, round_id: int, error: str) -> None:
    """Mark the round failed with its cause, unless it already finished.

    The first failure is the cause; steps failing after it only see its effects.
    """
    Round.objects.filter(pk=round_id).exclude(status__in=Round.FINISHED_STATES).update(
        status=Round.Status.FAILED, error=error[:10_000], finished_at=timezone.now()
    )


def round_reopen(*, round_id: int) -> Round:
    """Put a failed round back where it stopped, so that resuming continues it."""
    round_ = Round.objects.get(pk=round_id)
    if round_.status != Round.Status.FAILED:
        return round_
    if not RoundSnapshot.objects.filter(round=round_).exists():
        status = Round.Status.PENDING
    else:
        status = Round.Status.SCORING
    Round.objects.filter(pk=round_id, status=Round.Status.FAILED).update(
        status=status, error="", finished_at=None
    )
    round_.refresh_from_db()
    return round_


def round_blocks_pending(*, round_id: int) -> list[int]:
    return list(
        RoundBlock.objects.filter(round_id=round_id, done_at__isnull=True).values_list(
            "block", flat=True
        )
    )


def round_run_sync(*, round_id: int) -> Round:
    """Run (or resume) a whole round in this process, without a Celery worker."""
    try:
        round_reopen(round_id=round_id)
        round_prepare(round_id=round_id)
        for block in round_blocks_pending(round_id=round_id):
            round_score_block(round_id=round_id, block=block)
        return round_finish(round_id=round_id)
    except Exception as exc:
        round_fail(round_id=round_id, error=repr(exc))
        raise
