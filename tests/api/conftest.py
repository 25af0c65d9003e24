"""Fixtures of the API tests: a client that checks every response it gets.

``api`` (and ``client`` in this folder) validates each JSON response of
``/api/`` against the requested version's upstream schema and asserts the
exact key sets of the spec (``tests/api/contract.py``), so no test can
forget to.
"""

import base64
import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.contract import check_response
from tests.factories import (
    CoverFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)


class ApiClient(Client):
    """A Django test client that checks the API contract on every response."""

    acting_user_id: int | None = None

    def request(self, **request):
        response = super().request(**request)
        method = request["REQUEST_METHOD"]
        path = request["PATH_INFO"]
        content_type = response.get("Content-Type", "")
        if (
            method != "HEAD"
            and path.startswith("/api/")
            and content_type.startswith("application/json")
        ):
            check_response(
                method,
                path,
                response.status_code,
                json.loads(response.content),
                acting_user_id=self.acting_user_id,
            )
        return response

    # --- authentication helpers -------------------------------------------

    def token_auth(self, user) -> "ApiClient":
        key = Token.objects.get_or_create(user=user)[0].key
        self.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
        self.acting_user_id = user.pk
        return self

    def basic_auth(self, user, password=None) -> "ApiClient":
        # Factories give every user the password "password".
        password = "password" if password is None else password
        raw = f"{user.username}:{password}".encode()
        self.defaults["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(raw).decode()
        self.acting_user_id = user.pk
        return self

    def session_auth(self, user) -> "ApiClient":
        self.force_login(user)
        self.acting_user_id = user.pk
        return self

    def as_user(self, user) -> "ApiClient":
        """Authenticate as ``user`` (token), or drop credentials for None."""
        self.defaults.pop("HTTP_AUTHORIZATION", None)
        self.logout()
        self.acting_user_id = None
        return self if user is None else self.token_auth(user)

    # --- JSON helpers -------------------------------------------------------

    def patch_json(self, path, data, **extra):
        return self.patch(
            path, json.dumps(data), content_type="application/json", **extra
        )

    def put_json(self, path, data, **extra):
        return self.put(
            path, json.dumps(data), content_type="application/json", **extra
        )

    def post_json(self, path, data, **extra):
        return self.post(
            path, json.dumps(data), content_type="application/json", **extra
        )


@pytest.fixture
def api(db):
    return ApiClient()


@pytest.fixture
def client(db):
    # Plain ``client`` in API tests is the checking one too.
    return ApiClient()


class World:
    """A project with one patch and everyone who may or may not touch it.

    * ``maintainer`` maintains ``project``;
    * ``submitter`` is the account linked to the patch's sender;
    * ``delegate`` is the patch's delegate (also a maintainer, as a delegate
      must be);
    * ``other`` is an unrelated account, ``superuser`` an admin who
      maintains nothing.
    """

    def __init__(self, maintainer):
        self.maintainer = maintainer
        self.project = ProjectFactory(maintainers=[maintainer], linkname="world")
        self.delegate = UserFactory(username="delegate")
        self.project.maintainers.add(self.delegate)
        self.submitter = UserFactory(username="submitter")
        self.other = UserFactory(username="other")
        self.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
        self.person = PersonFactory(
            name="Sub Mitter", email="submitter@example.com", user=self.submitter
        )
        self.series = SeriesFactory(
            project=self.project, submitter=self.person, total=2, name="Demo series"
        )
        self.patch = PatchFactory(
            project=self.project,
            submitter=self.person,
            delegate=self.delegate,
            series=self.series,
            number=1,
        )
        self.cover = CoverFactory(project=self.project, submitter=self.person)
        self.series.cover_letter = self.cover
        self.series.save(update_fields=["cover_letter"])

    def role(self, name: str):
        """Return the user playing ``name`` (None for anonymous)."""
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db, maintainer):
    return World(maintainer)
