import pytest

from apps.patches.models import State
from tests.factories import PatchFactory, PersonFactory, UserFactory


@pytest.fixture
def states(db):
    return {state.slug: state for state in State.objects.all()}


@pytest.fixture
def member(db):
    """A logged-in user with no rights on the project."""
    return UserFactory(username="member")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def maintainer_client(client, maintainer):
    client.force_login(maintainer)
    return client


@pytest.fixture
def make_patch(project):
    def make(**fields):
        fields.setdefault("project", project)
        return PatchFactory(**fields)

    return make


@pytest.fixture
def submitter(db):
    return PersonFactory(name="Sam Submitter", email="sam@example.org")
