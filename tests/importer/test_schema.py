"""Recognising the source's upstream schema from its django_migrations rows."""

import pytest

from apps.importer.schema import Feature, UnsupportedSource, recognise
from tests.importer.migrations import DJANGO, MIGRATIONS_2_2, MIGRATIONS_MAIN


def patchwork(*names: str) -> list[tuple[str, str]]:
    return [("patchwork", name) for name in names]


def test_patchwork_2_2_has_none_of_the_later_features():
    schema = recognise(MIGRATIONS_2_2)

    assert schema.migration == "0039_unique_series_references"
    assert schema.features == frozenset()
    assert schema.has_tokens


def test_main_installed_from_the_squashed_migration_has_every_feature():
    schema = recognise(MIGRATIONS_MAIN)

    assert schema.migration == "0048_series_dependencies"
    assert schema.features == set(Feature)


def test_an_instance_between_releases_has_the_features_it_migrated_to():
    rows = [
        *MIGRATIONS_MAIN[
            : MIGRATIONS_MAIN.index(("patchwork", "0046_patch_comment_events")) + 1
        ]
    ]

    schema = recognise(rows)

    assert schema.migration == "0046_patch_comment_events"
    assert schema.has(Feature.ADDRESSED)
    assert schema.has(Feature.COMMENT_EVENTS)
    assert not schema.has(Feature.DEPENDENCIES)


def test_without_the_token_app_there_are_no_tokens_to_read():
    rows = [row for row in MIGRATIONS_2_2 if row[0] != "authtoken"]

    assert not recognise(rows).has_tokens


def test_a_migration_of_a_fork_or_newer_release_is_refused_by_name():
    rows = [*MIGRATIONS_MAIN, ("patchwork", "0049_add_attention_set_to_patches")]

    with pytest.raises(UnsupportedSource, match="0049_add_attention_set_to_patches"):
        recognise(rows)


def test_a_release_older_than_2_2_is_refused_naming_what_was_found():
    rows = [row for row in MIGRATIONS_2_2 if row[1] < "0034"]

    with pytest.raises(
        UnsupportedSource, match="at 0033_remove_patch_series_model, older"
    ):
        recognise(rows)


def test_a_half_done_3_0_migration_is_refused():
    rows = [row for row in MIGRATIONS_MAIN if row[1] < "0043"]

    with pytest.raises(UnsupportedSource, match="0043_merge_patch_submission has not"):
        recognise(rows)


def test_a_gap_in_the_migrations_is_refused_naming_the_missing_one():
    rows = [row for row in MIGRATIONS_MAIN if row[1] != "0045_addressed_fields"]

    with pytest.raises(UnsupportedSource, match="but not 0045_addressed_fields"):
        recognise(rows)


def test_a_database_without_patchwork_migrations_is_not_patchwork():
    with pytest.raises(UnsupportedSource, match="not a Patchwork database"):
        recognise(DJANGO + patchwork())
