"""The project's ingest lock on PostgreSQL: what one transaction holds and sets.

The multi-process tests (test_parallel_delivery.py, the lock-timeout tests
of parsemail and parsearchive) show what the lock is for; these pin its
exact terms: which lock is taken, how long a delivery waits for it, and
that both end with the transaction.
"""

import pytest
from django.db import connection, transaction

from apps.ingest import locking


def show_lock_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        return cursor.fetchone()[0]


def ingest_locks() -> list[tuple[int, int]]:
    """The advisory locks this session holds, as (first key, second key)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT classid::int, objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 2"
        )
        return list(cursor.fetchall())


# Really committed: inside a test's own transaction, the lock and SET LOCAL
# would outlive the block.
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_waits_the_configured_time_for_its_project_only(
    settings, test_project
):
    settings.INGEST_LOCK_TIMEOUT = 1.5
    before = show_lock_timeout()
    with transaction.atomic():
        locking.lock_project(test_project.pk)
        assert show_lock_timeout() == "1500ms"
        assert ingest_locks() == [(locking._LOCK_NAMESPACE, test_project.pk)]
    # Both are the transaction's: gone once it ends.
    assert show_lock_timeout() == before
    assert ingest_locks() == []


@pytest.mark.requires_postgres
@pytest.mark.django_db
def test_an_archive_run_keeps_the_timeout_its_session_has(settings, test_project):
    settings.INGEST_LOCK_TIMEOUT = 1.5
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '7s'")
        locking.lock_project(test_project.pk, session_timeout=True)
        assert show_lock_timeout() == "7s"
        assert ingest_locks() == [(locking._LOCK_NAMESPACE, test_project.pk)]


def test_the_timeout_is_written_in_milliseconds(settings):
    settings.INGEST_LOCK_TIMEOUT = 60
    assert locking.lock_timeout() == "60000ms"
    settings.INGEST_LOCK_TIMEOUT = 0.25
    assert locking.lock_timeout() == "250ms"
