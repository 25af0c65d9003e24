import pytest

from tests.factories import ProjectFactory
from tests.ingest.helpers import LIST_EMAIL, LIST_ID


@pytest.fixture
def test_project(db):
    """The project upstream's observations use: link name ``test``."""
    return ProjectFactory(
        linkname="test", name="Test", listid=LIST_ID, listemail=LIST_EMAIL
    )
