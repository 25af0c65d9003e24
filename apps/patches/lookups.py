"""The reads mail ingest repeats for every mail, as fixed SQL.

At archive speed Django's query building costs more than these indexed
lookups themselves (about half of the time per mail went to compiling and
instantiating), so the hottest ones are written out once here. Each uses an
index: Message-Ids per project or parent, series references per project,
patches per series. Results are the same model instances the ORM would
give (``fixed_sql.from_row``), with only the listed columns loaded.
"""

from collections.abc import Sequence

from django.db import connection

from apps.patches.fixed_sql import fetch, from_row, table
from apps.patches.models import Patch, Series, SeriesReference


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def msgid_taken(model, *, parent_column: str, parent_id: int, msgid: str) -> bool:
    """Return whether ``model`` has a row with ``msgid`` under that parent.

    ``parent_column`` is the column scoping Message-Ids: ``project_id`` for
    patches and covers, ``patch_id`` / ``cover_id`` for comments.
    """
    sql = (
        f"SELECT 1 FROM {table(model)} "  # noqa: S608 - names are fixed
        f"WHERE {connection.ops.quote_name(parent_column)} = %s AND msgid = %s "
        "LIMIT 1"
    )
    return bool(fetch(sql, [parent_id, msgid]))


def by_msgids(model, *, project_id: int, msgids: Sequence[str], columns: Sequence[str]):
    """Return {msgid: instance} of the project's ``model`` rows with those ids."""
    if not msgids:
        return {}
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = (
        f"SELECT {names} FROM {table(model)} "  # noqa: S608
        f"WHERE project_id = %s AND msgid IN ({_placeholders(msgids)})"
    )
    instances = (
        from_row(model, columns, row) for row in fetch(sql, [project_id, *msgids])
    )
    return {instance.msgid: instance for instance in instances}


def comment_parents(comment_model, *, parent_column: str, msgids: Sequence[str]):
    """Return (msgid, parent id) of comments with those ids, oldest first."""
    if not msgids:
        return []
    sql = (
        f"SELECT msgid, {connection.ops.quote_name(parent_column)} "  # noqa: S608
        f"FROM {table(comment_model)} WHERE msgid IN ({_placeholders(msgids)}) "
        "ORDER BY date, id"
    )
    return fetch(sql, list(msgids))


_SERIES_COLUMNS = [field.attname for field in Series._meta.concrete_fields]


def series_by_references(
    *, project_id: int, msgids: Sequence[str]
) -> dict[str, Series]:
    """Return {msgid: series} for the Message-Ids a series of the project claims."""
    if not msgids:
        return {}
    columns = ", ".join(f"s.{connection.ops.quote_name(c)}" for c in _SERIES_COLUMNS)
    sql = (
        f"SELECT r.msgid, {columns} FROM {table(SeriesReference)} r "  # noqa: S608
        f"JOIN {table(Series)} s ON s.id = r.series_id "
        f"WHERE r.project_id = %s AND r.msgid IN ({_placeholders(msgids)})"
    )
    return {
        row[0]: from_row(Series, _SERIES_COLUMNS, row[1:])
        for row in fetch(sql, [project_id, *msgids])
    }


def series_numbers(series_id: int) -> dict[int, int]:
    """Return {number: patch id} of the patches linked to the series."""
    sql = f"SELECT number, id FROM {table(Patch)} WHERE series_id = %s"  # noqa: S608
    return dict(fetch(sql, [series_id]))
