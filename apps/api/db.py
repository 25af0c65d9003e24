"""Database helpers for the API's reads."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, router, transaction
from django.db.models import Model


@contextmanager
def fixed_join_order(using: str | None = None) -> Iterator[None]:
    """Let PostgreSQL join the tables of the queries inside in the written order.

    The API's rows embed many related objects, fetched with one query and
    many joins. Planning such a query is exponential in the number of joins
    (a 14-join event page took 130 ms to plan and under 1 ms to run); the
    order Django writes them in (the base table first, then one primary-key
    lookup per relation) is the right plan anyway, so the search is turned
    off for these queries. Other databases are left alone.
    """
    # By default, the database reads go to (a replica for an anonymous
    # request, see patchserver.replicas).
    using = using or router.db_for_read(Model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # SET LOCAL lasts until the end of the outermost transaction, so inside
    # someone else's transaction the default is put back on the way out (an
    # error rolls back to the savepoint, which undoes the setting anyway).
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield
        if nested:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL join_collapse_limit TO DEFAULT")
