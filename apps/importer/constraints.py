"""Foreign keys set aside while the import bulk-loads rows (PostgreSQL).

As ``pg_restore`` does: the foreign keys of the tables being filled are
dropped first (their definitions kept in ``DroppedConstraint``), and added
back once every row is in, which checks all rows in one pass per key
instead of row by row at every commit, twice as fast overall. SQLite keeps
its keys; it checks them more cheaply.
"""

import re
from collections.abc import Sequence

from django.db import IntegrityError, connection, transaction

from apps.importer.exceptions import ImportFailed
from apps.importer.models import DroppedConstraint

_FOREIGN_KEYS = """
SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = ANY(%s)
ORDER BY c.relname, k.conname
"""

_REFERENCE = re.compile(r"FOREIGN KEY \((\w+)\) REFERENCES (\w+)\((\w+)\)")


def foreign_keys_drop(tables: Sequence[str]) -> None:
    """Drop the foreign keys of ``tables``, remembering them."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # A table cannot be altered while checks deferred to the commit are
        # pending on it (deleting the default states queued some).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(_FOREIGN_KEYS, [list(tables)])
        for table, name, definition in cursor.fetchall():
            DroppedConstraint.objects.create(
                table=table, name=name, definition=definition
            )
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def foreign_keys_restore() -> None:
    """Add the dropped foreign keys back, each checking every row."""
    quote = connection.ops.quote_name
    for constraint in DroppedConstraint.objects.order_by("id"):
        sql = (
            f"ALTER TABLE {quote(constraint.table)} ADD CONSTRAINT "
            f"{quote(constraint.name)} {constraint.definition}"
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
                constraint.delete()
        except IntegrityError as exc:
            raise ImportFailed(_dangling(constraint)) from exc


def _dangling(constraint: DroppedConstraint) -> str:
    """Explain which rows refer to rows that do not exist."""
    match = _REFERENCE.search(constraint.definition)
    if match is None:
        return f"{constraint.table}: {constraint.definition} does not hold"
    column, parent, key = match.groups()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT c.{quote(column)} FROM {quote(constraint.table)} c "  # noqa: S608
            f"LEFT JOIN {quote(parent)} p ON p.{quote(key)} = c.{quote(column)} "
            f"WHERE c.{quote(column)} IS NOT NULL AND p.{quote(key)} IS NULL "
            f"ORDER BY 1 LIMIT 10"
        )
        missing = [str(row[0]) for row in cursor.fetchall()]
    return (
        f"rows of {constraint.table} refer through {column} to {parent} rows "
        f"that the source does not hold ({', '.join(missing)}); every row is "
        f"imported, but {constraint.table}.{column} is not checked until those "
        "rows are fixed or deleted in this database; then run again with "
        "--resume"
    )
