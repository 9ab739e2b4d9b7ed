"""Database expressions shared by the apps."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.models import FloatField, Func


class EpochSeconds(Func):
    """A datetime column as seconds since 1970-01-01 UTC (float).

    Reading a float is several times cheaper than having Django parse and localise a datetime per row on SQLite,
    which matters when tens of thousands of events are read for a batch prediction. Millisecond precision.
    """

    arity = 1
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() reads Django's stored UTC text; 2440587.5 is the Julian day of the Unix epoch.
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::double precision")

    def as_sql(self, compiler, connection, **extra):
        if "template" not in extra:
            raise NotSupportedError(f"EpochSeconds is not implemented for {connection.vendor}")
        return super().as_sql(compiler, connection, **extra)


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
