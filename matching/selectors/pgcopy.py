"""PostgreSQL binary COPY into numpy arrays.

Everything matching reads in bulk comes through here: each array from one `COPY
(SELECT array_agg(...)) TO STDOUT (FORMAT BINARY)`. PostgreSQL sends one COPY
message per row, and a Python round trip per message costs more than the data (see
docs/history.md), so the rows are folded into a few arrays server-side and numpy
reads their fixed-width elements in place: loading a million members costs a few
seconds rather than millions of Python objects.
"""

import struct
from collections.abc import Mapping, Sequence

import numpy as np
from django.db import connection

# PostgreSQL binary COPY: 11-byte signature, int32 flags, int32 extension length.
_COPY_HEADER = 19
_BINARY_TYPES = {
    "int8": ">i8",
    "int4": ">i4",
    "float8": ">f8",
    "bool": "?",
}


def _read_array(raw: memoryview, pos: int, kind: str) -> tuple[np.ndarray, int]:
    """One binary int/float/bool array field at `pos`; returns it and the next pos."""
    (length,) = struct.unpack_from(">i", raw, pos)
    pos += 4
    if length < 0:  # NULL: array_agg over no rows
        return np.zeros(0, dtype=_BINARY_TYPES[kind].lstrip(">")), pos
    end = pos + length
    ndim, _has_null, _oid = struct.unpack_from(">iii", raw, pos)
    if ndim == 0:
        return np.zeros(0, dtype=_BINARY_TYPES[kind].lstrip(">")), end
    (count, _lbound) = struct.unpack_from(">ii", raw, pos + 12)
    element = np.dtype([("len", ">i4"), ("value", _BINARY_TYPES[kind])])
    items = np.frombuffer(raw, dtype=element, count=count, offset=pos + 20)
    return items["value"], end


def copy_out(
    sql: str,
    params: Sequence[object] | Mapping[str, object],
    columns: list[tuple[str, str]],
    *,
    chunk_by: str | None = None,
) -> dict[str, np.ndarray]:
    """Run `sql` and return one numpy array per column, in no particular row order.

    Every column must be NOT NULL and of a fixed-width type named in `columns`
    (cast it in the SELECT). The rows are aggregated into one array per column and
    per `chunk_by` value (an expression over the columns, e.g. `member_id >> 12`,
    to keep each array well under PostgreSQL's 1 GB limit on a value); all the
    arrays of one chunk list the same rows in the same order.
    """
    aggregates = ", ".join(f"array_agg(q.{name})" for name, _ in columns)
    group = f" GROUP BY {chunk_by}" if chunk_by else ""
    # sql and chunk_by are this package's constants; values travel as params.
    select = f"SELECT {aggregates} FROM ({sql}) AS q{group}"  # noqa: S608
    statement = f"COPY ({select}) TO STDOUT (FORMAT BINARY)"
    chunks: list[bytes] = []
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for data in copy:
            chunks.append(bytes(data))
    raw = memoryview(b"".join(chunks))
    parts: dict[str, list[np.ndarray]] = {name: [] for name, _ in columns}
    pos = _COPY_HEADER
    while pos + 2 <= len(raw):
        (n_fields,) = struct.unpack_from(">h", raw, pos)
        pos += 2
        if n_fields < 0:  # trailer
            break
        for name, kind in columns:
            values, pos = _read_array(raw, pos, kind)
            parts[name].append(values)
    return {
        name: (
            np.concatenate(parts[name]).astype(_BINARY_TYPES[kind].lstrip(">"))
            if parts[name]
            else np.zeros(0, dtype=_BINARY_TYPES[kind].lstrip(">"))
        )
        for name, kind in columns
    }


def rows_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row index of each of `wanted` in the sorted `ids`, or -1 when absent."""
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(ids, wanted)
    pos_clipped = np.minimum(pos, len(ids) - 1)
    found = ids[pos_clipped] == wanted
    return np.where(found, pos_clipped, -1).astype(np.int64)
