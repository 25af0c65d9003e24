"""Statements that match text are planned for their values, every time.

With server-side binding, psycopg prepares a statement once it has run
twice on a connection (``patchserver/database.py``), and after five runs
PostgreSQL may answer a prepared statement from a generic plan, made
without the parameters' values. That suits the fixed queries of a page,
whose plans depend little on the ids they are given. A search's best plan
depends on what it looks for: how many rows hold a word or a substring. A
generic plan guesses a few and, for two words each in one subject of
eight, read 14,000 rows one by one instead of combining indexes: a page
took 1.9 s instead of 0.18 s (``bench/scale``, ``docs/scaling.md``). So a
statement that matches text is sent unprepared, and PostgreSQL plans it
for the words it holds.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# What the SQL of a text match holds on PostgreSQL: the full-text operator
# (``fulltext.TextMatch``) and the LIKE of icontains, contains, startswith.
TEXT_MATCH_SQL = ("@@ plainto_tsquery(", "@@ phraseto_tsquery(", " LIKE ")


def unprepared_text_matches(
    execute, sql: str, params, many: bool, context: dict
) -> Any:
    """Run ``sql`` unprepared if it matches text (a database execute wrapper)."""
    if not any(marker in sql for marker in TEXT_MATCH_SQL):
        return execute(sql, params, many, context)
    driver_connection = context["connection"].connection
    threshold = driver_connection.prepare_threshold
    driver_connection.prepare_threshold = None
    try:
        return execute(sql, params, many, context)
    finally:
        driver_connection.prepare_threshold = threshold


def plan_text_matches_per_run(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Wrap a new PostgreSQL connection's statements (``connection_created``)."""
    wrappers = connection.execute_wrappers
    if connection.vendor == "postgresql" and unprepared_text_matches not in wrappers:
        wrappers.append(unprepared_text_matches)
