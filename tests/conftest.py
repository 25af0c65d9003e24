import pytest

from tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def maintainer(db):
    return UserFactory(username="maintainer")


@pytest.fixture
def project(db, maintainer):
    return ProjectFactory(maintainers=[maintainer])
