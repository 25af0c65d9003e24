"""/api/1.5/webhooks/: register, list, change and delete hooks (API 1.5 only)."""

import json

import pytest

from apps.webhooks.models import Webhook
from apps.webhooks.services import webhook_create
from tests.api.contract import validate_response
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/1.5/webhooks/"


def checked(response, method: str, path: str = "webhooks/"):
    """Return the JSON body, validated against the committed 1.5 document."""
    body = json.loads(response.content)
    validate_response("1.5", path, method, response.status_code, body)
    return body


@pytest.fixture
def maintainer():
    return UserFactory(username="maint")


@pytest.fixture
def project(maintainer):
    return ProjectFactory(linkname="widgets", maintainers=[maintainer])


def test_a_maintainer_registers_a_project_hook_and_the_secret_stays_hidden(
    api, maintainer, project
):
    api.token_auth(maintainer)
    response = api.post_json(
        URL,
        {
            "project": project.pk,
            "url": "https://ci.example.org/hooks/patchwork",
            "secret": "s3cret",
            "events": ["patch-created", "check-created"],
        },
    )
    assert response.status_code == 201, response.content
    body = checked(response, "POST")
    hook = Webhook.objects.get()
    assert body == {
        "id": hook.pk,
        "project": project.pk,
        "url": "https://ci.example.org/hooks/patchwork",
        "events": ["patch-created", "check-created"],
        "active": True,
        "owner": maintainer.pk,
        "created": body["created"],
        "failing_since": None,
    }
    assert hook.secret == "s3cret"
    listed = checked(api.get(URL), "GET")
    assert [h["id"] for h in listed] == [hook.pk]
    assert "secret" not in listed[0]


def test_only_maintainers_register_project_hooks_anyone_signed_in_their_own(
    api, project
):
    user = UserFactory()
    api.token_auth(user)
    body = {"url": "https://me.example.org/", "secret": "s", "events": []}
    refused = api.post_json(URL, {**body, "project": project.pk})
    assert refused.status_code == 403
    personal = api.post_json(URL, body)
    assert personal.status_code == 201
    assert checked(personal, "POST")["project"] is None
    api.as_user(None)
    assert api.post_json(URL, body).status_code in (401, 403)
    assert api.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"url": "http://127.0.0.1/"}, "url", "127.0.0.1 is not a public address."),
        ({"url": "http://[fe80::1]/"}, "url", "fe80::1 is not a public address."),
        ({"url": "ftp://files.example.org/"}, "url", "Only http:// and https://"),
        ({"events": ["patch-eaten"]}, "events", '"patch-eaten" is not a valid choice.'),
        ({"secret": ""}, "secret", "This field may not be blank."),
        ({"project": 999999}, "project", 'Invalid pk "999999"'),
    ],
)
def test_bad_fields_are_400s_naming_them(
    api, maintainer, project, change, field, message
):
    api.token_auth(maintainer)
    body = {
        "project": project.pk,
        "url": "https://ci.example.org/",
        "secret": "s",
        "events": ["patch-created"],
        **change,
    }
    response = api.post_json(URL, body)
    assert response.status_code == 400
    errors = checked(response, "POST")
    assert message in str(errors[field])
    assert not Webhook.objects.exists()


def test_updates_keep_the_secret_and_the_project_and_others_see_nothing(
    api, maintainer, project
):
    hook = webhook_create(
        owner=maintainer,
        project=project,
        url="https://ci.example.org/",
        secret="old",
        events=["patch-created"],
    )
    detail = f"{URL}{hook.pk}/"
    api.token_auth(UserFactory())
    assert api.get(detail).status_code == 404
    assert api.delete(detail).status_code == 404
    assert api.get(URL).json() == []

    # Another maintainer of the project manages it too.
    colleague = UserFactory()
    project.maintainers.add(colleague)
    api.as_user(colleague)
    other = ProjectFactory()
    response = api.patch_json(
        detail, {"events": ["check-created"], "active": False, "project": other.pk}
    )
    assert response.status_code == 200, response.content
    body = checked(response, "PATCH", f"webhooks/{hook.pk}/")
    assert (body["events"], body["active"], body["project"]) == (
        ["check-created"],
        False,
        project.pk,
    )
    hook.refresh_from_db()
    assert hook.secret == "old"
    response = api.patch_json(detail, {"url": "http://10.0.0.1/"})
    assert response.status_code == 400
    assert api.delete(detail).status_code == 204
    assert not Webhook.objects.exists()


def test_upstream_versions_have_no_webhooks(api, maintainer):
    api.token_auth(maintainer)
    assert api.get("/api/1.4/webhooks/").status_code == 404
    assert api.get("/api/webhooks/").status_code == 200
