"""The REST API fuzzed from its own OpenAPI document (schemathesis).

Schemathesis reads ``/api/schema/`` and generates requests for every
operation it describes: path ids, query parameters and bodies, valid and
not. Each request is sent twice, anonymously and as a project maintainer
(token), through the WSGI application. No answer may be a server error, and
every answer the document describes must match its schema.

Bounded for CI: a fixed number of examples per operation, derandomized so
that a run is repeatable (about a minute on two cores).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)

EXAMPLES = 8
CHECKS = [not_a_server_error, response_schema_conformance]


def seed() -> str:
    """Create one of everything (small ids, which fuzzing tries first)."""
    maintainer = UserFactory(username="fuzz")
    project = ProjectFactory(linkname="fuzz", maintainers=[maintainer])
    person = PersonFactory(user=maintainer)
    series = SeriesFactory(project=project, submitter=person, total=1)
    cover = CoverFactory(project=project, submitter=person)
    patch = PatchFactory(project=project, submitter=person, series=series, number=1)
    PatchCommentFactory(patch=patch, submitter=person)
    CheckFactory(patch=patch, user=maintainer)
    BundleFactory(owner=maintainer, project=project, patches=[patch], public=True)
    # A second account (its detail has no settings for the caller) and a
    # project tracking series dependencies (its series list them).
    UserFactory(username="other")
    tracked = ProjectFactory(linkname="tracked", show_dependencies=True)
    SeriesFactory(project=tracked, submitter=person, total=1)
    series.cover_letter = cover
    series.save(update_fields=["cover_letter"])
    return Token.objects.create(user=maintainer).key


@pytest.fixture
def token(db, settings):
    # The host schemathesis's WSGI client names.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # As Django's test client does: the end of a request must not close the
    # connection that holds the test's transaction (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield seed()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema():
    """Read the document as clients do (it needs no database).

    Loaded when the module is collected, before the test environment (and
    its allowed host) is set up.
    """
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    loaded = schemathesis.openapi.from_dict(response.json())
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_error_and_every_answer_matches_the_document(case, token):
    for headers in ({}, {"Authorization": f"Token {token}"}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
