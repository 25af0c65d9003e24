"""Writing batches of rows into the target database, ids included."""

from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def write_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` into ``table`` in the current transaction.

    PostgreSQL gets one ``COPY`` per batch, several times faster than
    inserts; SQLite one prepared ``INSERT`` run for every row.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {quote(table)} ({names}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Quoted names of the target's own tables and columns only.
            insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, rows)


def count_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """Move id sequences past the highest imported id (PostgreSQL).

    SQLite needs nothing: an explicit id beyond the counter moves it.
    """
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze(tables: Sequence[str]) -> None:
    """Give the planner statistics for the bulk-loaded tables (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")
