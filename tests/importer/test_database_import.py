"""manage.py importpatchwork SOURCE_DATABASE_URL, on PostgreSQL and MariaDB sources."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from apps.events.models import Event
from apps.importer.models import ImportProgress
from apps.notifications.models import EventCursor
from apps.patches.models import State
from apps.people.models import Person, User
from tests.factories import (
    CheckFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    SeriesFactory,
)
from tests.importer import sample
from tests.importer.conftest import run_sql

pytestmark = pytest.mark.django_db


def run_import(url: str, *args: str) -> str:
    out = io.StringIO()
    call_command("importpatchwork", url, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def target_rows(label: str, fields: list[str]) -> list[dict]:
    return list(apps.get_model(label).objects.order_by("pk").values(*fields))


def test_every_row_arrives_with_its_id_and_every_column(upstream_source):
    output = run_import(upstream_source.url)

    for label, expected in sample.expected_rows(upstream_source.release).items():
        fields = list(expected[0]) if expected else ["pk"]
        assert target_rows(label, fields) == expected, label
    assert "DIFFERS" not in output


def test_report_compares_counts_and_says_what_changed_on_the_way(upstream_source):
    output = run_import(upstream_source.url)

    lines = {line.split("  ")[0].strip(): line for line in output.splitlines()}
    assert lines["patches"].split()[1:] == ["4", "4"]
    assert lines["people"].split()[1:] == ["4", "3"]
    assert "1 merged into the row with the same value in another letter case" in output
    assert "1 had no state: given the state with the lowest ordering" in output
    assert "1 had no project: given their patches' project" in output
    migration = "0039_unique_series_references"
    if upstream_source.release == "main":
        migration = "0048_series_dependencies"
    assert f"source schema: patchwork {migration}" in output


def test_states_and_tags_of_migrate_give_way_to_the_sources(pg_main_source):
    assert State.objects.filter(slug="under-review").exists()

    run_import(pg_main_source.url)

    assert sorted(State.objects.values_list("slug", flat=True)) == [
        "accepted",
        "needs-acks",
        "new",
    ]


def test_new_rows_get_ids_past_the_imported_ones(pg_main_source):
    run_import(pg_main_source.url)

    patch = PatchFactory(project_id=21, submitter_id=12)
    assert patch.id > 1009
    assert Person.objects.create(email="new@example.org").id > 14
    assert User.objects.create_user("newcomer").id > 9
    assert SeriesFactory(project_id=21, submitter_id=12).id > 72
    assert CoverFactory(project_id=21, submitter_id=12).id > 1000
    assert PatchCommentFactory(patch=patch, submitter_id=12).id > 2003
    assert CheckFactory(patch=patch, user_id=5).id > 302
    assert Event.objects.create(project_id=21, category="patch-created").id > 611


def test_notifications_start_after_the_imported_history(pg_main_source):
    run_import(pg_main_source.url)

    cursor = EventCursor.objects.get(name="patch-state-notifications")
    assert cursor.last_event_id == 611


def test_dry_run_counts_and_writes_nothing(pg_main_source):
    output = run_import(pg_main_source.url, "--dry-run")

    assert "patches" in output
    assert "dry run: nothing was written" in output
    assert not Person.objects.exists()
    assert State.objects.filter(slug="under-review").exists()
    assert not ImportProgress.objects.exists()


def test_a_target_that_holds_data_is_refused(pg_main_source):
    Person.objects.create(email="someone@example.org")

    with pytest.raises(CommandError, match="already holds 1 people"):
        run_import(pg_main_source.url)


def test_an_unreachable_source_is_a_clear_error():
    with pytest.raises(CommandError, match="cannot connect to postgres://u:\\*\\*\\*@"):
        run_import("postgres://u:secret@127.0.0.1:9/none")


def test_an_unknown_url_scheme_is_refused():
    with pytest.raises(CommandError, match="unsupported source URL"):
        run_import("sqlite:///tmp/patchwork.db")


def test_a_database_that_is_not_patchwork_is_a_clear_error(scratch_source):
    run_sql(scratch_source, "DROP TABLE django_migrations")

    with pytest.raises(
        CommandError, match=r"cannot read postgres://.*django_migrations"
    ):
        run_import(scratch_source.url)
