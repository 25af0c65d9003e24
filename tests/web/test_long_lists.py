"""Web lists past the exact count: "about N", and pages that exist (Deviation).

See tests/api/test_long_lists.py: the planner's estimate is stood in for, so
these run on either database.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps import paging
from tests.factories import (
    BASE_DATE,
    PatchFactory,
    SeriesFactory,
    UserFactory,
)
from tests.web.html import hrefs, row_ids, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def estimate(monkeypatch, settings):
    settings.PAGINATION_EXACT_COUNT = 3

    def set_to(value: int) -> None:
        monkeypatch.setattr(paging, "can_estimate", lambda alias: True)
        monkeypatch.setattr(paging, "planner_estimate", lambda queryset: value)

    return set_to


@pytest.fixture
def seven(project):
    return [
        PatchFactory(project=project, date=BASE_DATE + dt.timedelta(days=n)).pk
        for n in range(7)
    ]


def page_links(response) -> set[str]:
    return {h for h in hrefs(response) if "page=" in h}


def test_the_patch_list_shows_an_estimate_as_such(client, project, seven, estimate):
    estimate(1234)
    client.force_login(UserFactory(items_per_page=2))
    response = client.get(f"/project/{project.linkname}/list/")
    assert "| about 1230 patches" in text(response)
    assert row_ids(response) == [seven[6], seven[5]]
    # The navigator numbers pages up to the estimate's last one.
    assert "?page=617" in page_links(response)


def test_a_page_past_the_real_end_shows_the_last(client, project, seven, estimate):
    estimate(1234)
    client.force_login(UserFactory(items_per_page=2))
    response = client.get(f"/project/{project.linkname}/list/?page=300")
    assert response.status_code == 200
    assert row_ids(response) == [seven[0]]
    # Counted now: the total is exact and there is no next page.
    assert "| 7 patches" in text(response)
    assert "?page=5" not in page_links(response)


def test_a_page_beyond_a_low_estimate_is_shown(client, project, seven, estimate):
    estimate(1)
    client.force_login(UserFactory(items_per_page=2))
    response = client.get(f"/project/{project.linkname}/list/?page=3")
    assert row_ids(response) == [seven[2], seven[1]]
    assert "?page=4" in page_links(response)


def test_the_series_list_shows_an_estimate_as_such(client, project, estimate):
    for n in range(5):
        SeriesFactory(project=project, date=BASE_DATE + dt.timedelta(days=n))
    estimate(98765)
    client.force_login(UserFactory(items_per_page=2))
    response = client.get(f"/project/{project.linkname}/series/")
    assert "| about 98800 series" in text(response)
    assert "?page=49383" in page_links(response)


def test_a_short_list_is_counted_by_its_only_page(client, project, seven, estimate):
    # More rows than the limit, but all on one page: reading them counts them.
    estimate(1234)
    response = client.get(f"/project/{project.linkname}/list/")
    assert "| 7 patches" in text(response)
    assert page_links(response) == set()


def test_past_the_limit_the_queries_do_not_grow_with_the_list(
    client, project, estimate
):
    estimate(1234)
    client.force_login(UserFactory(items_per_page=2))
    counts = []
    for more in (5, 20):
        for n in range(more):
            PatchFactory(project=project, date=BASE_DATE + dt.timedelta(days=n))
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/project/{project.linkname}/list/?page=2")
        counts.append(len(queries))
    assert counts[0] == counts[1]
