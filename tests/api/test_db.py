"""The fixed join order of the API's row queries (apps/api/db.py)."""

import pytest
from django.db import connection

from apps.api.db import fixed_join_order

pytestmark = pytest.mark.django_db


def join_collapse_limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@pytest.mark.requires_postgres
def test_postgresql_keeps_the_written_join_order_inside_only():
    default = join_collapse_limit()
    with fixed_join_order():
        assert join_collapse_limit() == "1"
    assert join_collapse_limit() == default


@pytest.mark.requires_postgres
def test_an_error_inside_leaves_the_default():
    default = join_collapse_limit()
    with pytest.raises(ZeroDivisionError), fixed_join_order():
        1 / 0  # noqa: B018
    assert join_collapse_limit() == default


@pytest.mark.requires_sqlite
def test_other_databases_are_left_alone(django_assert_num_queries):
    with django_assert_num_queries(0), fixed_join_order():
        pass


@pytest.mark.requires_postgres
def test_postgresql_plans_a_repeated_page_query_once(client):
    """The API's row queries are prepared, so later requests skip planning."""
    for _ in range(3):
        assert client.get("/api/patches/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "patches_patch"' in statement for statement in prepared)
