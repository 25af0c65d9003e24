"""Each CI leg runs on the database it names, and vendor-specific tests are marked.

``.ci/run`` sets ``PATCHSERVER_EXPECT_DATABASE`` for each leg: the
PostgreSQL leg fails here if the settings fell back to SQLite (and the
PostgreSQL-only tests then skipped without anyone noticing).
"""

import os
import re

import pytest
from django.db import connection

from tests.conftest import database_vendor, skip_other_vendors
from tests.paths import REPO


def expected_vendor() -> str:
    named = os.environ.get("PATCHSERVER_EXPECT_DATABASE")
    if named:
        return named
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres:", "postgresql:")) else "sqlite"


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    assert connection.vendor == expected_vendor()
    assert database_vendor() == connection.vendor


class Item:
    """The part of a pytest item the vendor hook uses."""

    def __init__(self, *markers: str):
        self.markers = {name: getattr(pytest.mark, name).mark for name in markers}
        self.added: list[pytest.Mark] = []

    def get_closest_marker(self, name):
        return self.markers.get(name)

    def add_marker(self, marker):
        self.added.append(marker.mark)


@pytest.mark.parametrize(
    ("vendor", "skipped"),
    [("postgresql", ["sqlite only"]), ("sqlite", ["postgres only"])],
)
def test_vendor_markers_skip_tests_of_the_other_database(vendor, skipped):
    items = {
        "postgres only": Item("requires_postgres"),
        "sqlite only": Item("requires_sqlite"),
        "any": Item("slow"),
    }
    skip_other_vendors(items.values(), vendor)
    assert [name for name, item in items.items() if item.added] == skipped
    [mark] = items[skipped[0]].added
    assert mark.name == "skip"


# A skip decided inside a test on the database vendor, instead of a marker.
_VENDOR_SKIP = re.compile(
    r"vendor\s*[!=]=\s*[\"'](postgresql|sqlite)[\"']:?\s*\n\s*pytest\.skip"
)


def test_vendor_specific_tests_use_the_markers():
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "tests").rglob("*.py"))
        if _VENDOR_SKIP.search(path.read_text())
    ]
    assert offenders == []
