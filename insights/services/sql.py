"""The rollup's SQL plumbing: run a statement, keep a query's rows in a temporary
table, and the week an instant falls in."""

from typing import Any

from django.db import connection

# The Monday (UTC) of the week of the timestamp column `col`.
WEEK = "(date_trunc('week', {col} AT TIME ZONE 'UTC'))::date"


def execute(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall() if cursor.description else []


def temp_table(name: str, select: str, params: dict[str, Any] | None = None) -> None:
    """A temporary table of a query's rows, gone at the end of the transaction."""
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}", params)
    execute(f"ANALYZE {name}")
