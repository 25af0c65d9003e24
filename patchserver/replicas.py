"""Read replicas for anonymous reads (``DATABASE_REPLICA_URLS``).

Most of a public instance's traffic is anonymous browsing and API reads; a
PostgreSQL streaming replica can serve them while the primary takes the
writes (mail, API writes, signed-in users). Only a request that can do
without its own writes is sent there: a GET or HEAD carrying no session
cookie and no credentials. Everything else (signed-in users, who expect to
see what they just changed; every write; management commands, mail
ingest, the worker) uses the primary, and so does every read of a request
after it wrote anything, or inside a transaction on the primary.

A replica lags the primary by the replication delay (usually well under a
second): an anonymous visitor may see a new patch that much later.
"""

import random
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The replica this request reads from, or None: the primary.
_replica: ContextVar[str | None] = ContextVar("replica", default=None)

REPLICA_PREFIX = "replica"


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def may_use_replica(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def replica_reads(get_response):
    """Let the reads of an anonymous GET or HEAD request go to a replica."""
    aliases = replica_aliases()

    def middleware(request):
        if not aliases or not may_use_replica(request):
            return get_response(request)
        token = _replica.set(random.choice(aliases))  # noqa: S311 - load spreading
        try:
            return get_response(request)
        finally:
            _replica.reset(token)

    return middleware


class ReplicaRouter:
    """Reads of an anonymous request to its replica, the rest to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        replica = _replica.get()
        if replica is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica

    def db_for_write(self, model: Any, **hints: Any) -> str:
        # Reads after a write in the same request see it: on the primary.
        _replica.set(None)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Every alias holds the same data.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # Replicas follow the primary's schema by replication.
        return db == DEFAULT_DB_ALIAS
