"""An interrupted import goes on where it stopped; a failing row loses nothing."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.importer import database_import
from apps.importer.models import DroppedConstraint
from apps.patches.models import Patch, PatchComment
from tests.importer import sample
from tests.importer.conftest import run_sql
from tests.importer.test_database_import import run_import, target_rows


def assert_everything_arrived(release: str) -> None:
    for label, expected in sample.expected_rows(release).items():
        fields = list(expected[0]) if expected else ["pk"]
        assert target_rows(label, fields) == expected, label


@pytest.mark.django_db
def test_resume_goes_on_after_the_last_page_written(pg_main_source, monkeypatch):
    write_rows = database_import.write_rows
    patch_pages: list[list[int]] = []

    def interrupted(table, columns, rows):
        if table == "patches_patch":
            patch_pages.append([row[0] for row in rows])
            if len(patch_pages) == 2:
                raise KeyboardInterrupt
        write_rows(table, columns, rows)

    monkeypatch.setattr(database_import, "write_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(pg_main_source.url, "--batch-size", "4")
    assert list(Patch.objects.values_list("id", flat=True)) == [1001]

    with pytest.raises(CommandError, match="did not finish: run again with --resume"):
        run_import(pg_main_source.url)

    output = run_import(pg_main_source.url, "--resume", "--batch-size", "4")

    assert patch_pages == [[1001], [1002], [1002], [1005], [1009]]
    assert_everything_arrived("main")
    assert "DIFFERS" not in output


@pytest.mark.django_db
def test_resume_without_an_interrupted_import_is_refused(pg_main_source):
    with pytest.raises(CommandError, match="no interrupted import to resume"):
        run_import(pg_main_source.url, "--resume")


BAD_COMMENT = (
    "INSERT INTO patchwork_patchcomment (id, msgid, date, headers, content, "
    "submitter_id, patch_id, addressed) VALUES (2004, '<lost@example.org>', "
    "'2020-03-29 03:00', '', 'x', 12, 9999, NULL)"
)


@pytest.mark.django_db(transaction=True)
def test_a_row_referring_to_a_missing_row_stops_the_import_and_resume_finishes_it(
    scratch_source,
):
    run_sql(scratch_source, BAD_COMMENT)

    if connection.vendor == "postgresql":
        # Foreign keys are checked once all rows are in: the row is named,
        # and removing it here lets --resume restore the check.
        with pytest.raises(
            CommandError,
            match=r"patches_patchcomment refer through "
            r"patch_id to patches_patch rows .* \(9999\)",
        ):
            run_import(scratch_source.url, "--batch-size", "8")
        PatchComment.objects.filter(id=2004).delete()
        run_sql(scratch_source, "DELETE FROM patchwork_patchcomment WHERE id = 2004")
    else:
        # Checked at each page's commit: the page is not written.
        with pytest.raises(
            CommandError,
            match=r"patch comments: the rows after key "
            r"2002 could not be written",
        ):
            run_import(scratch_source.url, "--batch-size", "8")
        run_sql(scratch_source, "DELETE FROM patchwork_patchcomment WHERE id = 2004")

    output = run_import(scratch_source.url, "--resume")

    assert_everything_arrived("main")
    assert "DIFFERS" not in output
    assert not DroppedConstraint.objects.exists()


@pytest.mark.django_db
def test_the_source_time_zone_decides_how_postgresql_times_are_read(pg_main_source):
    run_import(pg_main_source.url, "--source-time-zone", "UTC")

    # The instance ran in Canberra (UTC+11 that day): read as UTC, its
    # naive UTC times come out eleven hours early.
    expected = sample.at(11).replace(tzinfo=dt.UTC) - dt.timedelta(hours=11)
    assert Patch.objects.get(id=1001).date == expected


@pytest.mark.django_db
def test_an_unknown_source_migration_is_refused_by_name(scratch_source):
    run_sql(
        scratch_source,
        "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('patchwork', '0049_series_sequences', now())",
    )

    with pytest.raises(CommandError, match="does not know: 0049_series_sequences"):
        call_command(
            "importpatchwork",
            scratch_source.url,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
