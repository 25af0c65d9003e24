"""Every model of patchserver is either imported or deliberately left out."""

from django.apps import apps

from apps.importer.schema import recognise
from apps.importer.table import column_defaults
from apps.importer.tables import NOT_IMPORTED, build_tables
from tests.importer.migrations import MIGRATIONS_2_2, MIGRATIONS_MAIN

OWN_APPS = {
    "people",
    "projects",
    "patches",
    "checks",
    "bundles",
    "events",
    "notifications",
    "importer",
    "ingest",
    "authtoken",
}


def label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def test_every_model_is_imported_or_listed_as_not_imported():
    tables = build_tables(
        recognise(MIGRATIONS_MAIN), lambda name: name, default_state=1
    )
    imported = {label(table.model) for table in tables}
    models = {
        label(model)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in OWN_APPS and not model._meta.proxy
    }

    assert models - imported - set(NOT_IMPORTED) == set()
    assert set(NOT_IMPORTED) <= models
    assert not imported & set(NOT_IMPORTED)


def test_every_target_column_has_a_source_or_a_default():
    for rows in (MIGRATIONS_2_2, MIGRATIONS_MAIN):
        for table in build_tables(recognise(rows), lambda name: name, default_state=1):
            column_defaults(table)  # raises for a column without either
