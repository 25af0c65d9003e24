import functools
import gc
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from tests.factories import ProjectFactory, UserFactory

# The database a marked test needs: the one switch for vendor-specific tests
# (.ci/expected-skips.toml lists what each CI leg skips through it).
VENDOR_MARKERS = {"requires_postgres": "postgresql", "requires_sqlite": "sqlite"}


def database_vendor() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    for vendor in ("postgresql", "sqlite", "mysql"):
        if vendor in engine:
            return vendor
    return engine


def skip_other_vendors(items, vendor: str) -> None:
    """Skip the tests whose vendor marker names another database than ``vendor``."""
    for item in items:
        for marker, needed in VENDOR_MARKERS.items():
            if item.get_closest_marker(marker) and needed != vendor:
                item.add_marker(pytest.mark.skip(reason=f"needs {needed}"))


def pytest_collection_modifyitems(items):
    skip_other_vendors(items, database_vendor())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Start each test with no request counted against any rate limit."""
    from django.core.cache import cache

    cache.clear()


# Mutation runs (tools/mutation.py) start pytest once per mutant; migrating a
# fresh database each time costs more than the tests that run. They migrate
# one database up front and name it here: an SQLite file, which each pytest
# run copies, or a PostgreSQL database, which each run clones (CREATE
# DATABASE ... TEMPLATE) and drops at its end.
TEST_DB_TEMPLATE = os.environ.get("PATCHSERVER_TEST_DB_TEMPLATE")

if TEST_DB_TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        from django.db import connections

        connection = connections["default"]
        if connection.vendor == "postgresql":
            with django_db_blocker.unblock():
                yield from _postgresql_clone(connection, TEST_DB_TEMPLATE)
            return
        folder = Path(tempfile.mkdtemp(prefix="patchserver-test-db-"))
        copy = folder / "test.sqlite3"
        shutil.copyfile(TEST_DB_TEMPLATE, copy)
        assert connection.vendor == "sqlite", connection.vendor
        connection.close()
        connection.settings_dict["NAME"] = str(copy)
        yield
        connection.close()
        shutil.rmtree(folder, ignore_errors=True)


def pytest_sessionstart(session):
    """Under mutmut, start every mutant's session as a plain pytest run starts.

    mutmut runs each mutant's tests in a process forked from the one that
    first ran them all. A memoised function (``functools.cache``) would
    answer from what the original code computed there, and the mutant of
    the function it calls would never run: a survivor no test could kill.
    """
    # mutmut names the mutant here; "stats" is its first, unmutated run.
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant in ("", "stats"):
        return
    # mutmut's processes ignore Ctrl-C, and so would every process a test
    # forks, hiding the mutants of code that sets that up itself.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for cached in gc.get_objects():
        if isinstance(cached, functools._lru_cache_wrapper) and getattr(
            cached, "__module__", ""
        ).startswith(("apps.", "patchserver.")):
            cached.cache_clear()


def _postgresql_clone(connection, template: str):
    """Work on a clone of the migrated ``template`` database; drop it afterwards."""
    quote = connection.ops.quote_name
    clone = f"{template}_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(clone)}")
        cursor.execute(f"CREATE DATABASE {quote(clone)} TEMPLATE {quote(template)}")
    main = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = clone
    yield
    connection.close()
    connection.settings_dict["NAME"] = main
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(clone)} WITH (FORCE)")
    connection.close()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def maintainer(db):
    return UserFactory(username="maintainer")


@pytest.fixture
def project(db, maintainer):
    return ProjectFactory(maintainers=[maintainer])
