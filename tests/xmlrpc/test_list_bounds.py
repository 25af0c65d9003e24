"""XML-RPC lists: upstream's ``max_count`` within a server-side maximum.

The rows asked for are selected by the database (LIMIT), not by loading
every row and slicing; no call returns more than ``XMLRPC_MAX_COUNT``.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PatchFactory, PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def patches(db):
    project = ProjectFactory()
    return [
        PatchFactory(project=project, date=T0 + dt.timedelta(hours=n)) for n in range(5)
    ]


def ids(rows) -> list[int]:
    return [row["id"] for row in rows]


@pytest.mark.parametrize(
    ("max_count", "expected"),
    [(0, [0, 1, 2]), (2, [0, 1]), (50, [0, 1, 2]), (-2, [3, 4]), (-50, [2, 3, 4])],
)
def test_patch_list_never_returns_more_than_the_maximum(
    rpc, patches, settings, max_count, expected
):
    settings.XMLRPC_MAX_COUNT = 3
    rows = rpc().patch_list({"max_count": max_count})
    assert ids(rows) == [patches[n].pk for n in expected]


def test_person_and_project_lists_are_bounded_too(rpc, patches, settings):
    settings.XMLRPC_MAX_COUNT = 2
    for n in range(4):
        PersonFactory(name=f"Match {n}")
    assert len(rpc().person_list("Match", 0)) == 2
    assert [p["name"] for p in rpc().person_list("Match", -1)] == ["Match 3"]
    assert len(rpc().project_list("", 0)) == 1


def test_the_default_maximum_is_1000(rpc, patches, settings):
    assert settings.XMLRPC_MAX_COUNT == 1000
    assert len(rpc().patch_list({})) == 5


def test_the_database_selects_the_rows(rpc, patches):
    with CaptureQueriesContext(connection) as captured:
        rows = rpc().patch_list({"max_count": -1})
    assert ids(rows) == [patches[-1].pk]
    (select,) = [q["sql"] for q in captured if "patches_patch" in q["sql"]]
    assert "LIMIT 1" in select
    assert len(captured) == 1
