"""Serialise ingest per project, so parallel deliveries assemble one series.

Two patches of one series delivered at the same time must not both miss each
other's (uncommitted) series and each start one (upstream's remaining race).
On PostgreSQL the ingest transaction takes a transaction-level advisory lock
keyed on the project before it looks up anything: deliveries to one project
queue, other projects are not held up, and the lock goes away with the
transaction. SQLite needs nothing more: its connections begin write
transactions with ``BEGIN IMMEDIATE`` (see settings), which already queues
writers on the busy timeout.
"""

from django.conf import settings
from django.db import connection

# First key of the advisory lock pair: marks the lock as ingest's (the second
# key is the project id), so other users of advisory locks cannot collide.
_LOCK_NAMESPACE = 0x50_53_49_4E  # "PSIN"


def lock_timeout() -> str:
    """Return ``INGEST_LOCK_TIMEOUT`` as a PostgreSQL ``lock_timeout`` value."""
    return f"{int(settings.INGEST_LOCK_TIMEOUT * 1000)}ms"


def lock_project(project_id: int, *, session_timeout: bool = False) -> None:
    """Wait for this project's ingest lock; the transaction holds it until its end.

    Waits at most ``INGEST_LOCK_TIMEOUT`` seconds (PostgreSQL raises
    ``OperationalError`` after that): set for this transaction only, unless
    ``session_timeout`` says the session already has it (an archive run).
    Must run inside ``transaction.atomic``.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not session_timeout:
            # set_config(..., true) is SET LOCAL: this transaction only.
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [lock_timeout()]
            )
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, project_id]
        )
