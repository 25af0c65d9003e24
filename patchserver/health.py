"""``/healthz`` and ``/readyz``, for load balancers, containers and systemd.

``/healthz`` says the process serves requests; ``/readyz`` also that the
database answers and has every migration of this code applied (503
otherwise, so a proxy sends no traffic to a web server of a newer release
before ``migrate`` ran, nor to one that lost its database).

They are answered by the first middleware, before anything else looks at
the request: a probe speaks plain HTTP from inside the host or container
network, with a Host header no ``ALLOWED_HOSTS`` names, so the HTTPS
redirect, host validation, sessions and rate limits must not see it. The
answers tell nothing about the site beyond "up" or what is missing.
"""

from functools import cache

from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse

PATHS = ("/healthz", "/readyz")


@cache
def _migrations() -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """Every migration of the code: key -> the migrations it replaces.

    Read from disk once per process (the code does not change under a
    running worker); which are applied is asked of the database each time.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        key: frozenset(loader.replacements[key].replaces)
        if key in loader.replacements
        else frozenset()
        for key in loader.graph.nodes
    }


def pending_migrations(alias: str = "default") -> list[str]:
    """Return the migrations of the code the database has not applied."""
    applied = set(MigrationRecorder(connections[alias]).applied_migrations())
    return sorted(
        f"{app}.{name}"
        for (app, name), replaces in _migrations().items()
        if (app, name) not in applied and not (replaces and replaces <= applied)
    )


def _answer(status: int, text: str) -> HttpResponse:
    response = HttpResponse(
        text + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response


def readiness() -> HttpResponse:
    # No separate "SELECT 1": reading the applied migrations opens a cursor
    # and queries, so an unreachable database already fails here.
    try:
        pending = pending_migrations()
    except DatabaseError:
        return _answer(503, "database unreachable")
    if pending:
        return _answer(503, f"{len(pending)} migrations not applied")
    return _answer(200, "ready")


def health_endpoints(get_response):
    def middleware(request):
        if request.path_info not in PATHS:
            return get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _answer(405, "GET or HEAD")
            response["Allow"] = "GET, HEAD"
            return response
        if request.path_info == "/healthz":
            return _answer(200, "ok")
        return readiness()

    return middleware
