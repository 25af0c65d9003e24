"""GET /api/1.5/series/<id>/interdiff/?against=<id>: text, or JSON on request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CoverFactory, PatchFactory, SeriesFactory

pytestmark = pytest.mark.django_db

DIFF = "--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-{}\n+{}\n"


@pytest.fixture
def pair(project):
    v1 = SeriesFactory(project=project, version=1, total=2)
    cover = CoverFactory(project=project, content="v2: renamed things\n")
    v2 = SeriesFactory(project=project, version=2, total=1, cover_letter=cover)
    a = PatchFactory(
        project=project,
        series=v1,
        number=1,
        name="[1/2] a: one",
        diff=DIFF.format("x", "y"),
    )
    PatchFactory(
        project=project,
        series=v1,
        number=2,
        name="[2/2] a: two",
        diff=DIFF.format("p", "q"),
    )
    b = PatchFactory(
        project=project,
        series=v2,
        number=1,
        name="[v2] a: one",
        diff=DIFF.format("x", "z"),
    )
    return v1, v2, a, b


def test_the_interdiff_is_plain_text_by_default(api, pair):
    v1, v2, _, _ = pair
    response = api.get(f"/api/1.5/series/{v2.pk}/interdiff/?against={v1.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert body.splitlines()[0] == "cover letter: added"
    assert "  1: !   1: [v2] a: one" in body
    assert "  2: <   -: [2/2] a: two" in body
    assert "    -+y" in body
    assert "    ++z" in body


def test_the_interdiff_as_json(api, pair):
    v1, v2, a, b = pair
    response = api.get(f"/api/series/{v2.pk}/interdiff/?against={v1.pk}&format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["counts"] == {"unchanged": 0, "changed": 1, "added": 0, "removed": 1}
    assert body["cover"]["change"] == "added"
    changed = body["patches"][0]
    assert changed["old"] == {"id": a.pk, "number": 1, "name": "[1/2] a: one"}
    assert changed["new"] == {"id": b.pk, "number": 1, "name": "[v2] a: one"}
    assert changed["matched_by"] == "subject"
    assert "++z" in changed["diff"].splitlines()


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3", "1.4"])
def test_upstream_versions_have_no_interdiff(api, pair, version):
    v1, v2, _, _ = pair
    path = f"/api/{version}/series/{v2.pk}/interdiff/?against={v1.pk}"
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("against", ["", "abc", "999999", "-1", "1e9", "²"])
def test_a_bad_against_is_a_400_naming_it(api, pair, against):
    _, v2, _, _ = pair
    response = api.get(f"/api/1.5/series/{v2.pk}/interdiff/?against={against}")
    assert response.status_code == 400
    assert (
        "against" in response.content.decode() or "series" in response.content.decode()
    )


def test_series_of_another_project_cannot_be_compared(api, pair):
    _, v2, _, _ = pair
    elsewhere = SeriesFactory()
    response = api.get(
        f"/api/1.5/series/{v2.pk}/interdiff/?against={elsewhere.pk}&format=json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "against": ["No series with this id in the same project."]
    }


def test_an_unknown_series_is_a_404(api, pair):
    v1, _, _, _ = pair
    response = api.get(f"/api/1.5/series/999999/interdiff/?against={v1.pk}")
    assert response.status_code == 404


def test_the_two_series_are_read_in_one_query(api, pair):
    v1, v2, _, _ = pair
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/1.5/series/{v2.pk}/interdiff/?against={v1.pk}")
    assert response.status_code == 200
    series_reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "patches_series"' in query["sql"]
    ]
    assert len(series_reads) == 1


def test_an_unknown_series_is_a_404_whatever_against_says(api):
    for against in ("", "abc", "999998"):
        response = api.get(f"/api/1.5/series/999999/interdiff/?against={against}")
        assert response.status_code == 404
