from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .models import Introduction

PROPOSE_BATCH_SIZE = 5_000


@dataclass(frozen=True)
class ProposedPair:
    """Two members someone (usually the matching engine) wants to introduce."""

    member_a_id: int
    member_b_id: int
    score: float = 0.0
    explanation: dict = field(default_factory=dict)


@transaction.atomic
def introductions_create_proposed(
    *, pairs: Iterable[ProposedPair], batch_size: int = PROPOSE_BATCH_SIZE
) -> list[Introduction]:
    """Create an introduction in state *proposed* for each pair without an open one.

    Safe to call again with the same pairs, or concurrently: the partial unique
    constraint `intro_one_open_per_pair` makes PostgreSQL skip a pair that already
    has an open introduction (ON CONFLICT DO NOTHING), so a re-run or resumed round
    never proposes a pair twice. Returns only the introductions this call created.
    """
    # One timestamp per call tells this call's rows from any others'.
    now = timezone.now()
    created: list[Introduction] = []
    batch: dict[tuple[int, int], ProposedPair] = {}
    for pair in pairs:
        if pair.member_a_id == pair.member_b_id:
            raise ValueError(
                f"A member cannot be introduced to themself ({pair.member_a_id})."
            )
        batch.setdefault(tuple(sorted((pair.member_a_id, pair.member_b_id))), pair)
        if len(batch) >= batch_size:
            created.extend(_create_batch(batch, now))
            batch = {}
    if batch:
        created.extend(_create_batch(batch, now))
    return created


def _create_batch(batch: dict, now) -> list[Introduction]:
    Introduction.objects.bulk_create(
        [
            Introduction(
                member_a_id=a,
                member_b_id=b,
                state=Introduction.State.PROPOSED,
                score=pair.score,
                explanation=pair.explanation,
                created_at=now,
            )
            for (a, b), pair in batch.items()
        ],
        ignore_conflicts=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.id FROM introductions_introduction i
            JOIN unnest(%s::bigint[], %s::bigint[]) AS p(a, b)
              ON i.member_a_id = p.a AND i.member_b_id = p.b
            WHERE i.state = %s AND i.created_at = %s
            """,
            [
                [a for a, _ in batch],
                [b for _, b in batch],
                Introduction.State.PROPOSED,
                now,
            ],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return list(Introduction.objects.filter(pk__in=ids).order_by("pk"))
