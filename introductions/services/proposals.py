"""Proposed introductions: the pairs a matching round (or anyone) wants introduced."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from ..components import COLUMNS as COMPONENT_COLUMNS
from ..components import ScoreComponents
from ..explanations import Explanation
from ..models import Introduction

PROPOSE_BATCH_SIZE = 5_000


@dataclass(frozen=True)
class ProposedPair:
    """Two members someone (usually the matching engine) wants to introduce."""

    member_a_id: int
    member_b_id: int
    score: float = 0.0
    explanation: Explanation = field(default_factory=Explanation)
    components: ScoreComponents | None = None


_Batch = dict[tuple[int, int], ProposedPair]
_Value = Callable[[int, int, ProposedPair], object]


@transaction.atomic
def introductions_propose(
    *, pairs: Iterable[ProposedPair], batch_size: int = PROPOSE_BATCH_SIZE
) -> dict[tuple[int, int], int]:
    """Create an introduction in state *proposed* for each pair without an open one.

    Safe to call again with the same pairs, or concurrently: the partial unique
    constraint `intro_one_open_per_pair` makes PostgreSQL skip a pair that already
    has an open introduction (ON CONFLICT DO NOTHING), so a re-run or resumed round
    never proposes a pair twice. Returns the ids of only the introductions this
    call created, by (member_a_id, member_b_id), the lower member id first: a round
    proposes tens of thousands at once and needs no more of them.
    """
    # One timestamp per call tells this call's rows from any others'.
    now = timezone.now()
    created: dict[tuple[int, int], int] = {}
    batch: _Batch = {}
    for pair in pairs:
        if pair.member_a_id == pair.member_b_id:
            raise ValueError(
                f"A member cannot be introduced to themself ({pair.member_a_id})."
            )
        a, b = sorted((pair.member_a_id, pair.member_b_id))
        batch.setdefault((a, b), pair)
        if len(batch) >= batch_size:
            created.update(_create_batch(batch, now))
            batch = {}
    if batch:
        created.update(_create_batch(batch, now))
    return created


def introductions_create_proposed(
    *, pairs: Iterable[ProposedPair], batch_size: int = PROPOSE_BATCH_SIZE
) -> list[Introduction]:
    """introductions_propose, returning the introductions it created, oldest first."""
    created = introductions_propose(pairs=pairs, batch_size=batch_size)
    return list(Introduction.objects.filter(pk__in=created.values()).order_by("pk"))


def _component_values(pair: ProposedPair) -> list[object]:
    if pair.components is None:
        return [None] * len(COMPONENT_COLUMNS)
    return list(pair.components.to_columns().values())


def _columns(now: datetime) -> tuple[dict[str, _Value], list[str], list[object]]:
    """The columns a batch fills: those each pair gives (with how; its score
    components follow them, in COMPONENT_COLUMNS' order), then every other column
    of the table with its one value for the whole batch."""
    given: dict[str, _Value] = {
        "member_a_id": lambda a, b, pair: a,
        "member_b_id": lambda a, b, pair: b,
        "score": lambda a, b, pair: pair.score,
        "explanation": lambda a, b, pair: Jsonb(pair.explanation.to_json()),
    }
    constant = {"state": Introduction.State.PROPOSED, "created_at": now}
    columns: list[str] = []
    constants: list[object] = []
    for f in Introduction._meta.concrete_fields:
        column = f.column
        if (
            f.primary_key
            or column is None
            or column in given
            or column in COMPONENT_COLUMNS
        ):
            continue
        if column in constant:
            value = constant[column]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:  # the field's default: "" for a blank text field, None if nullable
            value = f.get_db_prep_save(f.get_default(), connection)
        columns.append(column)
        constants.append(value)
    return given, columns, constants


def _create_batch(batch: _Batch, now: datetime) -> dict[tuple[int, int], int]:
    """Insert one batch through COPY into a scratch table, then one INSERT ... ON
    CONFLICT DO NOTHING: tens of thousands of rows a second, where bulk_create
    spends most of its time compiling parameters in Python."""
    given, columns, constants = _columns(now)
    quoted = ", ".join(f'"{c}"' for c in [*given, *COMPONENT_COLUMNS, *columns])
    with connection.cursor() as cursor:
        cur = cursor.cursor
        cur.execute(
            f"CREATE TEMP TABLE intro_proposed ON COMMIT DROP AS"  # noqa: S608
            f" SELECT {quoted} FROM introductions_introduction WITH NO DATA"
        )
        with cur.copy(f"COPY intro_proposed ({quoted}) FROM STDIN") as copy:
            for (a, b), pair in batch.items():
                copy.write_row(
                    [make(a, b, pair) for make in given.values()]
                    + _component_values(pair)
                    + constants
                )
        cur.execute(
            f"INSERT INTO introductions_introduction ({quoted})"  # noqa: S608
            f" SELECT {quoted} FROM intro_proposed ORDER BY member_a_id, member_b_id"
            " ON CONFLICT DO NOTHING RETURNING id, member_a_id, member_b_id"
        )
        rows = cur.fetchall()
        cur.execute("DROP TABLE intro_proposed")
    return {(a, b): pk for pk, a, b in rows}
