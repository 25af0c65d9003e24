"""Model instances from hand-written SQL rows, as the ORM would give them.

The tooling behind ``apps.patches.fixed_sql`` (which holds the SQL itself and
why each statement is written out): a model's columns under a table alias,
instances rebuilt from a row with ``Model.from_db`` (values converted as the
ORM converts them), and related objects attached as ``select_related``
attaches them.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from django.db import connection, connections, router
from django.db.models import Field, Model
from django.db.models.fields.mixins import FieldCacheMixin


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def column_name(field: Field) -> str:
    """Return the column of a concrete field (only those have one)."""
    assert field.column is not None
    return field.column


def fetch(sql: str, params: Sequence) -> list[tuple]:
    # A read like the ORM's: on the database the router picks for reads
    # (a replica while serving an anonymous page, see patchserver.replicas).
    with connections[router.db_for_read(Model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@cache
def _converters(
    model: type[Model], attnames: tuple[str, ...]
) -> list[tuple[int, list[Callable[..., Any]], Any]]:
    """Return (position, converters, column) for the values the ORM converts.

    What the ORM does to a row before ``from_db``: on SQLite, times come
    back naive and become aware UTC; booleans and the like are converted
    per backend and field.
    """
    fields = {field.attname: field for field in model._meta.concrete_fields}
    found = []
    for position, attname in enumerate(attnames):
        column = fields[attname].get_col(model._meta.db_table)
        converters: list[Callable[..., Any]] = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        if converters:
            found.append((position, converters, column))
    return found


def from_row[M: Model](model: type[M], attnames: Sequence[str], values: Sequence) -> M:
    """Return the ``model`` instance of ``values`` (the columns ``attnames``)."""
    converted = list(values)
    for position, converters, column in _converters(model, tuple(attnames)):
        value = converted[position]
        for convert in converters:
            value = convert(value, column, connection)
        converted[position] = value
    return model.from_db(connection.alias, list(attnames), converted)


class Columns[M: Model]:
    """Some or all columns of ``model``, read under the table alias ``alias``.

    ``only`` names the fields to read (all by default); ``exclude`` leaves
    some out. Fields not read are deferred on the instances, as with
    ``QuerySet.only()``: reading one later costs a query.
    """

    def __init__(
        self,
        model: type[M],
        alias: str,
        *,
        only: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
    ) -> None:
        wanted = None if only is None else set(only)
        left_out = set(exclude)
        fields = [
            field
            for field in model._meta.concrete_fields
            if (wanted is None or field.name in wanted or field.primary_key)
            and field.name not in left_out
        ]
        self.model = model
        self.alias = alias
        self.attnames = [field.attname for field in fields]
        self.width = len(fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)
        self.alias_sql = quote(alias)
        self.sql = ", ".join(
            f"{self.alias_sql}.{quote(column_name(f))}" for f in fields
        )

    def column(self, name: str) -> str:
        """Return ``alias.column`` of the field ``name`` (for joins and filters)."""
        field = self.model._meta.get_field(name)
        assert isinstance(field, Field)  # a field of this table, not a relation's
        return f"{self.alias_sql}.{quote(column_name(field))}"

    def table(self) -> str:
        """Return ``table alias`` for the FROM clause."""
        return f"{table(self.model)} {self.alias_sql}"

    def join(self, other: "Columns[Any]", field: str, *, outer: bool = False) -> str:
        """Return the JOIN of this table to ``other``'s foreign key ``field``."""
        kind = "LEFT JOIN" if outer else "JOIN"
        pk = self.column(self.model._meta.pk.name)
        return f"{kind} {self.table()} ON {pk} = {other.column(field)}"

    def build(self, values: Sequence) -> M | None:
        """Return the instance read from ``values`` (None: no row, LEFT JOIN)."""
        if values[self.pk_index] is None:
            return None
        return from_row(self.model, self.attnames, values)


def select_list(*parts: Columns[Any]) -> str:
    return ", ".join(part.sql for part in parts)


class RowReader:
    """Read the instances of consecutive ``Columns`` from one joined row."""

    def __init__(self, row: Sequence) -> None:
        self.row = row
        self.start = 0

    def optional[M: Model](self, part: Columns[M]) -> M | None:
        """Return the next part's instance (None: no row, LEFT JOIN)."""
        end = self.start + part.width
        instance = part.build(self.row[self.start : end])
        self.start = end
        return instance

    def required[M: Model](self, part: Columns[M]) -> M:
        """Return the next part's instance, read through an inner JOIN."""
        instance = self.optional(part)
        assert instance is not None  # an inner JOIN always has the row
        return instance


def attach(instance: Model, field_name: str, related: Model | None) -> None:
    """Cache ``related`` as ``instance.<field_name>``, as select_related does."""
    field = instance._meta.get_field(field_name)
    assert isinstance(field, FieldCacheMixin)  # a relation, which caches
    field.set_cached_value(instance, related)
