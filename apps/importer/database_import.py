"""Import an upstream Patchwork database into an empty patchserver database.

Every row keeps its id. Each kind of row (``apps.importer.tables``) is read
in keyset pages (``WHERE key > last ORDER BY key LIMIT n``: memory stays flat
however large the source) and written a page per transaction together with
its ``ImportProgress`` row, so an interrupted import goes on from the last
page written (``resume=True``).
"""

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from apps.importer.constraints import foreign_keys_drop, foreign_keys_restore
from apps.importer.convert import converters
from apps.importer.exceptions import ImportFailed, ImportRefused
from apps.importer.models import ImportProgress
from apps.importer.prefetch import prefetched
from apps.importer.progress import Progress
from apps.importer.report import KindCount
from apps.importer.schema import SourceSchema, recognise
from apps.importer.source import SourceDatabase
from apps.importer.table import PERSON, Table, column_defaults
from apps.importer.tables import build_tables
from apps.importer.writers import analyze, count_rows, reset_sequences, write_rows
from apps.notifications.digest import notifications_skip_history
from apps.patches.models import Cover, Patch, State, Tag
from apps.patches.services.search_index import search_index_fill
from apps.people.models import Person, User
from apps.projects.models import Project

Remaps = dict[str, dict[Any, Any]]


@dataclass
class ImportResult:
    schema: SourceSchema
    counts: list[KindCount]
    rows: int  # rows written by this run
    seconds: float

    @property
    def matches(self) -> bool:
        return all(count.matches for count in self.counts)


def patchwork_import(
    *,
    source: SourceDatabase,
    progress: Progress,
    resume: bool = False,
    dry_run: bool = False,
    batch_size: int = 2000,
) -> ImportResult:
    """Import ``source``; with ``dry_run`` only count what would be imported."""
    started = time.monotonic()
    schema = recognise(source.fetch("SELECT app, name FROM django_migrations"))
    if schema.has_tokens and not source.table_exists("authtoken_token"):
        schema = SourceSchema(schema.migration, schema.features, has_tokens=False)
    tables = build_tables(schema, source.quote, default_state=_default_state(source))
    for table in tables:
        column_defaults(table)  # a model column without a source fails here
    remaps: Remaps = {PERSON: _merged_people(source)}
    counts = [_source_count(source, table, remaps) for table in tables]
    if dry_run:
        return ImportResult(schema, counts, 0, time.monotonic() - started)
    states = _prepare_target(source, tables, resume=resume)
    if not resume:
        foreign_keys_drop([table.db_table for table in tables])
    _tune_session()
    written = 0
    for table, count in zip(tables, counts, strict=True):
        written += _import_table(
            source,
            table,
            count.source,
            states[table.kind],
            remaps,
            batch_size,
            progress,
        )
    foreign_keys_restore()
    reset_sequences([table.model for table in tables])
    search_index_fill()
    notifications_skip_history()
    analyze([table.db_table for table in tables])
    for table, count in zip(tables, counts, strict=True):
        count.target = count_rows(table.db_table)
    return ImportResult(schema, counts, written, time.monotonic() - started)


def _default_state(source: SourceDatabase) -> int | None:
    rows = source.fetch("SELECT id FROM patchwork_state ORDER BY ordering, id LIMIT 1")
    return rows[0][0] if rows else None


def _merged_people(source: SourceDatabase) -> dict[Any, Any]:
    """Map each person whose address differs from an older one only in case to it.

    patchserver keeps one person per address whatever its case (as
    upstream's mail parser looks them up); upstream's table on PostgreSQL
    may hold several. Their mail goes to the oldest.
    """
    rows = source.fetch(
        "SELECT t.id, LOWER(t.email) FROM patchwork_person t "
        "WHERE LOWER(t.email) IN (SELECT LOWER(x.email) FROM patchwork_person x "
        "GROUP BY LOWER(x.email) HAVING COUNT(*) > 1) ORDER BY t.id"
    )
    first: dict[str, Any] = {}
    merged = {}
    for person_id, address in rows:
        if address in first:
            merged[person_id] = first[address]
        else:
            first[address] = person_id
    return merged


def _source_count(source: SourceDatabase, table: Table, remaps: Remaps) -> KindCount:
    # Only the fixed SQL of apps.importer.tables is interpolated, here and below.
    total = source.fetch(f"SELECT COUNT(*) FROM {table.source}")[0][0]  # noqa: S608
    count = KindCount(table.kind, total)
    if table.merged_into:
        count.merged = len(remaps[table.merged_into])
        if count.merged:
            count.notes.append(
                f"{count.merged:,} merged into the row with the same value "
                "in another letter case"
            )
    for condition, explanation in table.notes:
        sql = f"SELECT COUNT(*) FROM {table.source} WHERE {condition}"  # noqa: S608
        changed = source.fetch(sql)[0][0]
        if changed:
            count.notes.append(f"{changed:,} {explanation}")
    return count


def _prepare_target(
    source: SourceDatabase, tables: Sequence[Table], *, resume: bool
) -> dict[str, ImportProgress]:
    existing = {state.kind: state for state in ImportProgress.objects.all()}
    if resume:
        if not existing:
            raise ImportRefused("there is no interrupted import to resume")
        other = {state.source for state in existing.values()} - {source.label}
        if other:
            raise ImportRefused(
                f"the interrupted import read {other.pop()}, not {source.label}"
            )
    else:
        if existing:
            raise ImportRefused(
                "an earlier import into this database did not finish: run again "
                "with --resume, or start over with a freshly migrated database"
            )
        _require_empty_target()
        with transaction.atomic():
            # The defaults that `migrate` created give way to the source's.
            Tag.objects.all().delete()
            State.objects.all().delete()
    for table in tables:
        if table.kind not in existing:
            existing[table.kind] = ImportProgress.objects.create(
                kind=table.kind, source=source.label
            )
    return existing


def _require_empty_target() -> None:
    held = [
        f"{model.objects.count():,} {model._meta.verbose_name_plural}"
        for model in (User, Person, Project, Patch, Cover)
        if model.objects.exists()
    ]
    if held:
        raise ImportRefused(
            "the target database already holds "
            + ", ".join(held)
            + ": import into a freshly migrated database"
        )


def _tune_session() -> None:
    if connection.vendor == "postgresql":
        # Every page is committed with its progress row, so a crash loses at
        # most the last pages, which --resume reads again.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


def _import_table(
    source: SourceDatabase,
    table: Table,
    total: int,
    state: ImportProgress,
    remaps: Remaps,
    batch_size: int,
    progress: Progress,
) -> int:
    progress.start(table.kind, total, state.rows)
    if state.finished:
        progress.finish()
        return 0
    reader = _PageReader(
        source, table, max(1, batch_size // 4 if table.wide else batch_size)
    )
    rows_for = _RowBuilder(table, remaps)
    last = _parse_key(table, state.last_key)
    written = 0
    for key, rows in prefetched(_pages(reader, rows_for, last)):
        try:
            with transaction.atomic():
                write_rows(table.db_table, rows_for.columns, rows)
                ImportProgress.objects.filter(kind=table.kind).update(
                    last_key=str(key), rows=F("rows") + len(rows)
                )
        except DatabaseError as exc:
            raise ImportFailed(
                f"{table.kind}: the rows after key {last!r} could not be written "
                f"({exc}); the rows before them are kept, fix the cause and run "
                "again with --resume"
            ) from exc
        last = key
        written += len(rows)
        progress.advance(len(rows))
    ImportProgress.objects.filter(kind=table.kind).update(finished=True)
    progress.finish()
    return written


def _pages(
    reader: "_PageReader", rows_for: "_RowBuilder", after: Any
) -> Iterator[tuple[Any, list[tuple]]]:
    """(key of the page's last source row, target rows) for each page."""
    while page := reader.read(after=after):
        after = page[-1][-1]
        yield after, rows_for.build(page)


def _parse_key(table: Table, text: str) -> Any:
    if not text:
        return None
    return text if table.text_key else int(text)


class _PageReader:
    """Keyset pages of a table's source rows; each row ends with its key."""

    def __init__(self, source: SourceDatabase, table: Table, size: int) -> None:
        self.source = source
        self.fields = _mapped_fields(table)
        expressions = [table.columns[field.column] for field in self.fields]
        columns = ", ".join([*expressions, table.key])
        self.select = f"SELECT {columns} FROM {table.source}"  # noqa: S608
        self.order = f" ORDER BY {table.key} LIMIT {int(size)}"
        self.key = table.key

    def read(self, *, after: Any) -> list[tuple]:
        if after is None:
            return self.source.fetch(self.select + self.order)
        return self.source.fetch(
            f"{self.select} WHERE {self.key} > %s{self.order}", [after]
        )


class _RowBuilder:
    """Turns source rows into target rows: converted, remapped, defaults added."""

    def __init__(self, table: Table, remaps: Remaps) -> None:
        fields = _mapped_fields(table)
        defaults = column_defaults(table)
        self.columns = [field.column for field in fields] + list(defaults)
        self.constants = tuple(defaults.values())
        self.converters = converters(fields)
        self.remaps = [
            (index, remaps[table.remap[field.column]])
            for index, field in enumerate(fields)
            if field.column in table.remap and remaps[table.remap[field.column]]
        ]
        self.skip = remaps[table.merged_into] if table.merged_into else {}

    def build(self, page: list[tuple]) -> list[tuple]:
        rows = []
        for source_row in page:
            if source_row[-1] in self.skip:
                continue
            values = [
                convert(value) if convert else value
                for convert, value in zip(self.converters, source_row, strict=False)
            ]
            for index, mapping in self.remaps:
                values[index] = mapping.get(values[index], values[index])
            rows.append((*values, *self.constants))
        return rows


def _mapped_fields(table: Table) -> list[Any]:
    return [
        field
        for field in table.model._meta.concrete_fields
        if field.column in table.columns
    ]
