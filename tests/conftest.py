import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.factories import ProjectFactory, UserFactory

# Mutation runs (tools/mutation.py) start pytest once per mutant; migrating a
# fresh database each time costs more than the tests that run. They migrate
# one SQLite file up front and name it here; each pytest run works on a copy.
TEST_DB_TEMPLATE = os.environ.get("PATCHSERVER_TEST_DB_TEMPLATE")

if TEST_DB_TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        from django.db import connections

        folder = Path(tempfile.mkdtemp(prefix="patchserver-test-db-"))
        copy = folder / "test.sqlite3"
        shutil.copyfile(TEST_DB_TEMPLATE, copy)
        connection = connections["default"]
        assert connection.vendor == "sqlite", "the template is an SQLite file"
        connection.close()
        connection.settings_dict["NAME"] = str(copy)
        yield
        connection.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def maintainer(db):
    return UserFactory(username="maintainer")


@pytest.fixture
def project(db, maintainer):
    return ProjectFactory(maintainers=[maintainer])
