"""Series assembly, called directly: which series a patch or cover joins.

The ingest tests show the same rules on whole mails; these pin each service
of ``apps.patches.services.series`` on its own, with the events it records.
"""

import datetime as dt

import pytest

from apps.events.models import Event
from apps.patches.models import SeriesReference
from apps.patches.services.series import (
    SERIES_WINDOW,
    series_add_dependencies,
    series_by_markers,
    series_by_reference,
    series_create,
    series_patch_added,
    series_slot_for_patch,
)
from apps.patches.services.series_covers import (
    cover_series_name,
    series_attach_cover,
    series_for_cover,
)
from tests.factories import (
    CoverFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2024, 5, 6, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def ada():
    return PersonFactory(name="Ada", email="ada@example.org")


def categories(project) -> list[str]:
    return list(
        Event.objects.filter(project=project)
        .order_by("id")
        .values_list("category", flat=True)
    )


def claims(project) -> dict[str, int]:
    return dict(
        SeriesReference.objects.filter(project=project).values_list(
            "msgid", "series_id"
        )
    )


def slot(project, submitter, msgid, number, total=2, **kwargs):
    values = {
        "project": project,
        "msgid": msgid,
        "name": f"[{number}/{total}] widget: step {number}",
        "submitter": submitter,
        "date": NOON,
        "number": number,
        "total": total,
        "version": 1,
        "references": (),
    }
    return series_slot_for_patch(**{**values, **kwargs})


def add(project, the_slot, msgid, number):
    """Store the patch of ``the_slot`` and record what it completes."""
    patch = PatchFactory(
        project=project,
        msgid=msgid,
        series=the_slot.series,
        number=number,
        name=f"[{number}/{the_slot.series.total}] widget: step {number}",
    )
    series_patch_added(slot=the_slot, patch=patch)
    return patch


# --- series_create and references ------------------------------------------------


def test_series_create_records_the_event_and_claims_new_references(project, ada):
    older = SeriesFactory(project=project)
    SeriesReference.objects.create(project=project, series=older, msgid="<taken>")
    series = series_create(
        project=project,
        date=NOON,
        submitter=ada,
        version=2,
        total=3,
        references=["<taken>", "<new>", "<new>"],
    )
    assert (series.version, series.total, series.submitter) == (2, 3, ada)
    assert categories(project) == ["series-created"]
    assert claims(project) == {"<taken>": older.pk, "<new>": series.pk}


def test_series_by_reference_takes_the_first_id_with_a_series(project):
    first, second = SeriesFactory(project=project), SeriesFactory(project=project)
    SeriesReference.objects.create(project=project, series=first, msgid="<b>")
    SeriesReference.objects.create(project=project, series=second, msgid="<a>")
    found = series_by_reference(project=project, msgids=["<none>", "<b>", "<a>"])
    assert found == first
    assert series_by_reference(project=project, msgids=["<none>"]) is None
    other = ProjectFactory()
    assert series_by_reference(project=other, msgids=["<a>", "<b>"]) is None


def test_series_by_reference_compares_the_stored_length_of_long_ids(project):
    series = SeriesFactory(project=project)
    long_id = "<" + "x" * 300 + ">"
    SeriesReference.objects.create(project=project, series=series, msgid=long_id[:255])
    assert series_by_reference(project=project, msgids=[long_id]) == series


def test_series_by_markers_matches_sender_version_total_and_window(project, ada):
    def make(**kwargs):
        values = {"project": project, "submitter": ada, "version": 2, "total": 3}
        return SeriesFactory(**{**values, "date": NOON, **kwargs})

    inside = make(date=NOON - SERIES_WINDOW)  # the window's edge counts
    newest = make(date=NOON + dt.timedelta(minutes=5))
    make(date=NOON + SERIES_WINDOW + dt.timedelta(seconds=1))
    make(version=1)
    make(total=4)
    make(submitter=PersonFactory())
    make(project=ProjectFactory())
    found = series_by_markers(
        project=project, submitter=ada, version=2, total=3, date=NOON
    )
    assert found == [newest, inside]


# --- series_slot_for_patch and series_patch_added ----------------------------------


def test_a_first_patch_makes_a_series_named_after_it(project, ada):
    first = slot(project, ada, "<p1>", 1, references=["<cover>"])
    assert (first.created, first.number, first.numbers) == (True, 1, {})
    assert first.series.name == "[1/2] widget: step 1"
    assert claims(project) == {"<cover>": first.series.pk, "<p1>": first.series.pk}
    assert categories(project) == []  # recorded once the patch is stored
    add(project, first, "<p1>", 1)
    assert categories(project) == ["series-created", "patch-completed"]


def test_a_patch_replying_to_its_series_joins_it_and_completes_it(project, ada):
    first = slot(project, ada, "<p1>", 1)
    add(project, first, "<p1>", 1)
    second = slot(project, ada, "<p2>", 2, references=["<p1>"])
    assert not second.created
    assert second.series == first.series
    assert list(second.numbers) == [1]
    add(project, second, "<p2>", 2)
    assert categories(project) == [
        "series-created",
        "patch-completed",
        "patch-completed",
        "series-completed",
    ]


def test_a_patch_without_references_joins_by_markers(project, ada):
    first = slot(project, ada, "<p1>", 1)
    add(project, first, "<p1>", 1)
    later = NOON + dt.timedelta(minutes=3)
    assert slot(project, ada, "<p2>", 2, date=later).series == first.series
    other = PersonFactory()
    assert slot(project, other, "<q2>", 2, date=later).created


def test_a_taken_number_starts_a_new_series(project, ada):
    first = slot(project, ada, "<p1>", 1)
    add(project, first, "<p1>", 1)
    again = slot(project, ada, "<p1-again>", 1, references=["<p1>"])
    assert again.created
    assert again.series != first.series


def test_patches_arriving_out_of_order_complete_the_ones_waiting(project, ada):
    third = slot(project, ada, "<p3>", 3, total=3)
    add(project, third, "<p3>", 3)
    assert third.series.name is None  # only patch 1 names a series
    second = slot(project, ada, "<p2>", 2, total=3, references=["<p3>"])
    add(project, second, "<p2>", 2)
    assert categories(project) == ["series-created"]
    first = slot(project, ada, "<p1>", 1, total=3, references=["<p2>"])
    patch = add(project, first, "<p1>", 1)
    completed = Event.objects.filter(category="patch-completed").order_by("id")
    assert [event.patch.number for event in completed] == [1, 2, 3]
    assert categories(project)[-1] == "series-completed"
    first.series.refresh_from_db()
    assert first.series.name == patch.name


def test_an_unnumbered_patch_always_starts_a_series_of_one(project, ada):
    first = slot(project, ada, "<p1>", 1)
    add(project, first, "<p1>", 1)
    alone = slot(project, ada, "<x>", None, total=None, references=["<p1>"])
    assert alone.created
    assert (alone.series.total, alone.number) == (1, 1)


def test_a_zero_numbered_patch_stays_out_of_its_series(project, ada):
    zero = slot(project, ada, "<p0>", 0)
    assert zero.number is None
    patch = PatchFactory(project=project, msgid="<p0>", series=zero.series)
    series_patch_added(slot=zero, patch=patch)
    assert categories(project) == ["series-created"]


# --- cover letters ----------------------------------------------------------------


def test_cover_series_name_drops_the_leading_group_only():
    assert cover_series_name("[PATCH v2 0/3] widget: frames") == "widget: frames"
    assert cover_series_name("[RFC] [PATCH 0/3] frames") == "[PATCH 0/3] frames"
    assert cover_series_name("  plain name ") == "plain name"


def test_a_cover_joins_the_series_its_patches_recorded(project, ada):
    first = slot(project, ada, "<p1>", 1, references=["<cover>"])
    found = series_for_cover(
        project=project, msgid="<cover>", date=NOON, submitter=ada, version=1, total=2
    )
    assert found == first.series


def test_a_cover_without_series_makes_one_and_claims_its_id(project, ada):
    made = series_for_cover(
        project=project, msgid="<cover>", date=NOON, submitter=ada, version=3, total=2
    )
    assert (made.version, made.total) == (3, 2)
    assert claims(project) == {"<cover>": made.pk}
    assert categories(project) == ["series-created"]


def test_attaching_a_cover_names_the_series_unless_a_user_did(project):
    series = SeriesFactory(project=project, name=None)
    cover = CoverFactory(project=project, name="[PATCH 0/2] Frame rework")
    assert series_attach_cover(series=series, cover=cover) is True
    series.refresh_from_db()
    assert (series.cover_letter, series.name) == (cover, "Frame rework")
    later = CoverFactory(project=project, name="[PATCH 0/2] Another")
    assert series_attach_cover(series=series, cover=later) is False
    assert series.cover_letter == cover


def test_a_name_from_patch_1_gives_way_to_the_cover_a_chosen_one_does_not(project):
    named_by_patch = SeriesFactory(project=project, name="[1/2] widget: step 1")
    PatchFactory(
        project=project, series=named_by_patch, number=1, name="[1/2] widget: step 1"
    )
    chosen = SeriesFactory(project=project, name="Chosen by a maintainer")
    for series in (named_by_patch, chosen):
        cover = CoverFactory(project=project, name="[PATCH 0/2] Frame rework")
        series_attach_cover(series=series, cover=cover)
        series.refresh_from_db()
    assert named_by_patch.name == "Frame rework"
    assert chosen.name == "Chosen by a maintainer"


# --- dependencies -----------------------------------------------------------------


def test_dependencies_keep_their_order_and_skip_self_others_and_repeats(project):
    series, first, second = SeriesFactory.create_batch(3, project=project)
    foreign = SeriesFactory()
    series_add_dependencies(series=series, dependencies=[second, series, foreign])
    series_add_dependencies(series=series, dependencies=[first, second])
    through = series.dependencies.through.objects.filter(from_series=series)
    assert list(through.order_by("id").values_list("to_series_id", flat=True)) == [
        second.pk,
        first.pk,
    ]
    assert list(first.dependents.all()) == [series]
