"""Phase *score*: each block's top-k candidates, stored, then read back whole."""

import time

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from .. import pgcopy, selectors
from ..models import Round, RoundBlock
from ..pairing import cap_shortlists
from ..scoring import Weights, idf, top_candidates
from ..snapshot import Snapshot
from .prepare import round_snapshot
from .rounds import RoundNotReady, advisory_xact_lock

# Blocks this process scored, so that a round finished by the process that scored
# it (run_match_round --sync, the benchmark) need not read its candidates back.
# Scoring is deterministic, so these equal the committed rows, whoever wrote them
# last; round_candidates uses them only when every block is here and agrees.
# Each as (start, stop, candidates, cand, score), by (round id, block).
_block_cache: dict[tuple[int, int], tuple[int, int, int, np.ndarray, np.ndarray]] = {}


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
        # Negative first key: never round_create's lock (LOCK_NAMESPACE).
        advisory_xact_lock(-(round_id % 2**31), block)
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
    cached = [c for b, *_ in blocks if (c := _block_cache.get((round_.pk, b)))]
    if (
        blocks
        and len(cached) == len(blocks)
        and all(
            c[:3] == (start, stop, count) and c[3].shape[1] == k
            for c, (_, start, stop, count) in zip(cached, blocks, strict=True)
        )
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
        keep_rows=snapshot.waited_rows,
    )
