"""Helpers for the few hand-written queries on hot paths (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections

EPOCH_SECONDS_SQL = {
    # julianday() reads Django's stored UTC text; 2440587.5 is the Julian day of the Unix epoch.
    "sqlite": "((julianday({}) - 2440587.5) * 86400.0)",
    "postgresql": "EXTRACT(EPOCH FROM {})::double precision",
}


def epoch_seconds_sql(column_sql: str, vendor: str) -> str:
    """SQL for a datetime column as seconds since 1970-01-01 UTC (float), for hand-written queries."""
    if vendor not in EPOCH_SECONDS_SQL:
        raise NotSupportedError(f"epoch seconds are not implemented for {vendor}")
    return EPOCH_SECONDS_SQL[vendor].format(column_sql)


def placeholders(count: int) -> str:
    """``%s, %s, …`` for an ``IN (…)`` list of ``count`` values in a hand-written query."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join(["%s"] * count)


def fetch_all(sql: str, params: list | tuple, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Rows of a hand-written query. For small hot-path reads, where building an ORM query costs several times more
    than running it (about 0.5 ms against 0.06 ms for one customer's consent on SQLite)."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
