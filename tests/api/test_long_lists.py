"""Lists past the exact count: estimated last page, exact navigation (Deviation).

Counting every matching row costs as much as the list is long, so past
``PAGINATION_EXACT_COUNT`` rows PostgreSQL's planner estimate numbers the last
page (apps/paging.py). These tests stand in for the planner with a chosen
estimate (too high, too low) so they run on either database; the last one
checks the real planner on PostgreSQL and exact counts on SQLite.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps import paging
from apps.patches.models import Patch
from tests.api.helpers import ids, url
from tests.factories import PatchFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(db, settings):
    settings.PAGINATION_EXACT_COUNT = 3
    project = ProjectFactory(linkname="long")
    return [PatchFactory(project=project).pk for _ in range(7)]


@pytest.fixture
def estimate(monkeypatch):
    """Make the planner say ``value`` rows, on either database."""

    def set_to(value: int) -> None:
        monkeypatch.setattr(paging, "can_estimate", lambda alias: True)
        monkeypatch.setattr(paging, "planner_estimate", lambda queryset: value)

    return set_to


def link(response, rel: str) -> str | None:
    for part in response["Link"].split(", "):
        target, name = part.split("; ")
        if name == f'rel="{rel}"':
            return target.strip("<>").removeprefix("http://testserver")
    return None


def page_of(href: str | None) -> int | None:
    if href is None:
        return None
    found = re.search(r"[?&]page=(\d+)", href)
    return int(found.group(1)) if found else 1


def test_following_next_visits_every_row_once_and_ends(api, seven, estimate):
    estimate(20)
    first = api.get(url("patches/") + "?per_page=2")
    # The estimate numbers the last page while the real end is not in sight.
    assert page_of(link(first, "last")) == 10
    seen, response, pages = [], first, 0
    while True:
        assert response.status_code == 200
        seen += ids(response)
        pages += 1
        following = link(response, "next")
        if following is None:
            break
        response = api.get(following)
    assert seen == seven
    assert pages == 4
    # On the real last page the count is known: last names this page.
    assert page_of(link(response, "last")) == 4
    assert page_of(link(response, "prev")) == 3


def test_an_estimate_too_low_never_hides_a_page(api, seven, estimate):
    estimate(1)
    # Four rows counted (the limit plus one): two pages, says the estimate.
    first = api.get(url("patches/") + "?per_page=2")
    assert page_of(link(first, "last")) == 2
    third = api.get(url("patches/") + "?per_page=2&page=3")
    assert ids(third) == seven[4:6]
    assert page_of(link(third, "next")) == 4
    assert page_of(link(third, "last")) == 4


def test_a_page_past_the_real_end_is_404_as_upstream(api, seven, estimate):
    estimate(20)
    response = api.get(url("patches/", "1.2") + "?per_page=2&page=9")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_page_last_counts_exactly(api, seven, estimate):
    estimate(20)
    response = api.get(url("patches/") + "?per_page=2&page=last")
    assert ids(response) == seven[6:]
    assert page_of(link(response, "last")) == 4
    assert link(response, "next") is None


def test_limit_zero_always_counts_exactly(api, seven, estimate, settings):
    settings.PAGINATION_EXACT_COUNT = 0
    estimate(20)
    response = api.get(url("patches/") + "?per_page=2")
    assert page_of(link(response, "last")) == 4


def test_the_count_stops_at_the_limit(api, seven, estimate):
    estimate(20)
    with CaptureQueriesContext(connection) as queries:
        api.get(url("patches/") + "?per_page=2")
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]


def test_the_planner_estimates_on_postgresql_and_sqlite_counts(seven):
    listed = Patch.objects.order_by("-date").values_list("pk", flat=True)
    paginator = paging.BoundedPaginator(listed, 2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Patch._meta.db_table}")
        # Four rows counted (the limit plus one), seven from the planner.
        assert paginator.count == 7
        assert not paginator.count_is_exact
    else:
        assert paginator.count == 7
        assert paginator.count_is_exact


@pytest.mark.parametrize("page", ["9999999999999999999999999", str(2**62)])
def test_a_page_no_database_can_offset_to_is_404(api, seven, page):
    response = api.get(url("patches/") + f"?per_page=2&page={page}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}
