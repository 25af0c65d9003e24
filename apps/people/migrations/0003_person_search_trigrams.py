"""Trigram indexes for finding people by part of their name or address.

Searches (``from:``, the web's submitter filter) match ``name`` and
``email`` with ``icontains``: ``UPPER(column) LIKE '%...%'``, which no
B-tree serves, so each one read every person (65 ms for 50,000 people).
PostgreSQL only; SQLite instances are small enough to scan.
"""

from django.db import migrations

COLUMNS = ("name", "email")


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX people_person_{column}_trgm_idx ON people_person "
        f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        for column in COLUMNS
    ),
]
DROP = [f"DROP INDEX people_person_{column}_trgm_idx" for column in COLUMNS]


class Migration(migrations.Migration):
    dependencies = [("people", "0002_names_one_line")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
