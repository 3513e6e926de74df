import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .models import Introduction

PROPOSE_BATCH_SIZE = 5_000

_INSERT_PROPOSED = """
INSERT INTO introductions_introduction (
    member_a_id, member_b_id, state, score, explanation,
    a_response, b_response, created_at, updated_at
)
SELECT p.a, p.b, 'proposed', p.score, p.explanation::jsonb, '', '', %s, %s
FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::text[])
    AS p(a, b, score, explanation)
ON CONFLICT DO NOTHING
RETURNING id, member_a_id, member_b_id, score, explanation, created_at
"""


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

    Safe to call again with the same pairs: the partial unique constraint
    `intro_one_open_per_pair` makes PostgreSQL skip a pair that already has an open
    introduction (ON CONFLICT DO NOTHING), so a re-run or resumed round never
    proposes a pair twice. Returns only the introductions this call created.
    """
    now = timezone.now()
    created: list[Introduction] = []
    batch: list[ProposedPair] = []
    for pair in pairs:
        if pair.member_a_id == pair.member_b_id:
            raise ValueError(
                f"A member cannot be introduced to themself ({pair.member_a_id})."
            )
        batch.append(pair)
        if len(batch) >= batch_size:
            created.extend(_insert(batch, now))
            batch = []
    if batch:
        created.extend(_insert(batch, now))
    return created


def _insert(batch: list[ProposedPair], now) -> list[Introduction]:
    a_ids, b_ids, scores, explanations = [], [], [], []
    for pair in batch:
        a, b = sorted((pair.member_a_id, pair.member_b_id))
        a_ids.append(a)
        b_ids.append(b)
        scores.append(float(pair.score))
        explanations.append(json.dumps(pair.explanation))
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_PROPOSED, [now, now, a_ids, b_ids, scores, explanations])
        rows = cursor.fetchall()
    return [
        Introduction(
            id=row[0],
            member_a_id=row[1],
            member_b_id=row[2],
            state=Introduction.State.PROPOSED,
            score=row[3],
            explanation=row[4] if isinstance(row[4], dict) else json.loads(row[4]),
            created_at=row[5],
            updated_at=now,
        )
        for row in rows
    ]
