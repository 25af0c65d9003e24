"""A search is planned for its words each time it runs (``search/plans.py``).

A prepared statement may be run from a generic plan, made without the
searched words; PostgreSQL then guesses how many rows hold them, and for
common words guesses badly (docs/scaling.md). These tests check that the
statements that match text are never prepared while the list's others are.
"""

import pytest
from django.db import connection

from apps.patches.search.plans import plan_text_matches_per_run, unprepared_text_matches
from tests.search.corpus import make_corpus


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.requires_postgres
@pytest.mark.parametrize(
    ("url", "matching"),
    [
        pytest.param("/api/patches/?search=leak+driver", "plainto_tsquery", id="words"),
        pytest.param(
            '/api/patches/?search="memory+leak"', "phraseto_tsquery", id="phrase"
        ),
        pytest.param("/api/patches/?q=leak", " LIKE ", id="subject"),
        pytest.param("/api/patches/?search=file:fs/", " LIKE ", id="path"),
    ],
)
def test_a_repeated_search_is_never_prepared(client, project, url, matching):
    make_corpus(project)
    for _ in range(6):
        assert client.get(url).status_code == 200
        assert client.get("/api/patches/?state=new").status_code == 200
    prepared = prepared_statements()
    # The same list without a text match is prepared as usual.
    assert any('FROM "patches_patch"' in statement for statement in prepared)
    assert [s for s in prepared if matching in s] == []


@pytest.mark.requires_postgres
def test_the_connection_prepares_again_after_a_search(client, project):
    make_corpus(project)
    threshold = connection.connection.prepare_threshold
    assert threshold is not None
    assert client.get("/api/patches/?search=leak").status_code == 200
    assert connection.connection.prepare_threshold == threshold


@pytest.mark.requires_postgres
def test_a_failing_search_statement_still_restores_preparing(db):
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold

    def failing(sql, params, many, context):
        assert connection.connection.prepare_threshold is None
        raise RuntimeError("statement failed")

    with pytest.raises(RuntimeError):
        unprepared_text_matches(
            failing,
            "SELECT 1 WHERE 'a' LIKE %s",
            ["a"],
            False,
            {"connection": connection},
        )
    assert connection.connection.prepare_threshold == threshold


def test_a_connection_is_wrapped_once_and_only_on_postgresql():
    class Fake:
        def __init__(self, vendor):
            self.vendor = vendor
            self.execute_wrappers = []

    postgresql, sqlite = Fake("postgresql"), Fake("sqlite")
    for _ in range(2):  # connection_created fires again on each reconnect
        plan_text_matches_per_run(postgresql)
        plan_text_matches_per_run(sqlite)
    assert postgresql.execute_wrappers == [unprepared_text_matches]
    assert sqlite.execute_wrappers == []
