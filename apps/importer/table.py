"""One kind of row to import: where it is read, and where each column goes."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

PERSON = "person"  # the remap of people merged by case-insensitive address


@dataclass(frozen=True)
class Table:
    kind: str  # shown in progress lines and the final report
    model: type[models.Model]
    source: str  # FROM clause; the main table is aliased "t"
    key: str  # unique expression the rows are read in order of
    columns: Mapping[str, str]  # target column -> source SQL expression
    wide: bool = False  # rows carry mail bodies: read fewer at a time
    # target column -> name of an id remap applied to its values
    remap: Mapping[str, str] = field(default_factory=dict)
    merged_into: str | None = None  # skip rows whose key that remap maps away
    # (SQL condition, explanation): rows changed on the way, counted and reported
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def text_key(self) -> bool:
        return self.model._meta.pk.get_internal_type() == "CharField"


def column_defaults(table: Table) -> dict[str, Any]:
    """Values of the target columns no source expression names.

    Raises ``LookupError`` for a column that has neither a source nor a
    default: the mapping above needs a line for it.
    """
    defaults: dict[str, Any] = {}
    for target in table.model._meta.concrete_fields:
        column = str(target.column)
        if column in table.columns:
            continue
        if target.has_default():
            defaults[column] = target.get_default()
        elif target.null:
            defaults[column] = None
        else:
            raise LookupError(
                f"{table.db_table}.{column} has no source column and no "
                "default: add it to apps/importer/tables.py"
            )
    return defaults
