"""Full text of patches and covers as a stored tsvector column (PostgreSQL).

The expression index of 0006 made the planner recompute ``to_tsvector`` for
every row it rechecked or filtered (a common word on a 50,000-mail archive
took 0.9 s); a generated column computes it once per write. SQLite keeps its
FTS5 tables.
"""

from django.db import migrations

from apps.patches.search.fulltext import DOCUMENT, DOCUMENT_COLUMN

TABLES = ("patches_patch", "patches_cover")
_DOCUMENT = DOCUMENT.format(name="name", content="content")

FORWARD = [
    statement
    for table in TABLES
    for statement in (
        f"ALTER TABLE {table} ADD COLUMN {DOCUMENT_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({_DOCUMENT}) STORED",
        f"DROP INDEX {table}_fulltext_idx",
        f"CREATE INDEX {table}_fulltext_idx ON {table} USING gin ({DOCUMENT_COLUMN})",
    )
]
BACKWARD = [
    statement
    for table in TABLES
    for statement in (
        f"DROP INDEX {table}_fulltext_idx",
        f"ALTER TABLE {table} DROP COLUMN {DOCUMENT_COLUMN}",
        f"CREATE INDEX {table}_fulltext_idx ON {table} USING gin (({_DOCUMENT}))",
    )
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("patches", "0007_series_versions")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
