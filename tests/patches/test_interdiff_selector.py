"""The interdiff of two stored series: read in few queries, cached, refreshed."""

import pytest

from apps.patches.interdiff import Change
from apps.patches.selectors.interdiff import series_interdiff
from tests.factories import CoverFactory, PatchFactory, SeriesFactory

pytestmark = pytest.mark.django_db

DIFF = "--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-{}\n+{}\n"


@pytest.fixture
def versions(project):
    cover = CoverFactory(
        project=project, name="[PATCH v2 0/2] widgets", content="v2: fix\n"
    )
    v1 = SeriesFactory(project=project, version=1, total=2)
    v2 = SeriesFactory(project=project, version=2, total=2, cover_letter=cover)
    for series, prefix, changed in ((v1, "[1/2]", "b"), (v2, "[v2,1/2]", "c")):
        PatchFactory(
            project=project,
            series=series,
            number=1,
            name=f"{prefix} widgets: add",
            diff=DIFF.format("a", changed),
        )
    PatchFactory(
        project=project,
        series=v1,
        number=2,
        name="[2/2] widgets: old",
        diff=DIFF.format("x", "y"),
    )
    return v1, v2


def test_series_are_compared_patch_by_patch_with_their_covers(versions):
    v1, v2 = versions
    result = series_interdiff(v2, v1)
    assert [(e.change, e.old.number if e.old else None) for e in result.entries] == [
        (Change.CHANGED, 1),
        (Change.REMOVED, 2),
    ]
    assert "--- v1/1" in result.entries[0].diff
    assert result.cover_change == Change.ADDED
    assert "+v2: fix" in result.cover_diff


def test_a_cached_interdiff_costs_one_query(versions, django_assert_num_queries):
    v1, v2 = versions
    first = series_interdiff(v2, v1)
    with django_assert_num_queries(1):
        assert series_interdiff(v2, v1) == first


def test_a_patch_arriving_later_refreshes_the_cached_interdiff(versions, project):
    v1, v2 = versions
    assert series_interdiff(v2, v1).counts()["added"] == 0
    PatchFactory(
        project=project,
        series=v2,
        number=2,
        name="[v2,2/2] widgets: new",
        diff=DIFF.format("q", "r"),
    )
    assert series_interdiff(v2, v1).counts()["changed"] == 2
