"""The OpenAPI document of our own API, generated from the views (§ issue)."""

import json

import pytest
import yaml

from tests.api.contract import DETAIL_EXTRA, expected_keys

pytestmark = pytest.mark.django_db

LATEST_PATHS = {
    "/api/",
    "/api/projects/",
    "/api/projects/{id}/",
    "/api/users/",
    "/api/users/{id}/",
    "/api/people/",
    "/api/people/{id}/",
    "/api/patches/",
    "/api/patches/{id}/",
    "/api/patches/{patch_id}/checks/",
    "/api/patches/{patch_id}/checks/{check_id}/",
    "/api/patches/{patch_id}/comments/",
    "/api/patches/{patch_id}/comments/{comment_id}/",
    "/api/covers/",
    "/api/covers/{id}/",
    "/api/covers/{cover_id}/comments/",
    "/api/covers/{cover_id}/comments/{comment_id}/",
    "/api/series/",
    "/api/series/{id}/",
    "/api/bundles/",
    "/api/bundles/{id}/",
    "/api/events/",
}


def document(client, query=""):
    response = client.get("/api/schema/" + query)
    assert response.status_code == 200
    return response


def properties(doc, component):
    return set(doc["components"]["schemas"][component]["properties"])


def test_latest_document_lists_every_route_with_its_methods(client):
    doc = yaml.safe_load(document(client).content)
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"].startswith("1.4")
    assert set(doc["paths"]) == LATEST_PATHS
    assert set(doc["paths"]["/api/bundles/{id}/"]) >= {"get", "put", "patch", "delete"}
    assert set(doc["paths"]["/api/patches/{patch_id}/checks/"]) == {"get", "post"}


def test_components_are_the_serializers_fields(client):
    doc = yaml.safe_load(document(client).content)
    assert properties(doc, "Patch") == expected_keys("patch", "1.4")
    assert properties(doc, "PatchDetail") == expected_keys("patch", "1.4") | set(
        DETAIL_EXTRA["patch"]
    )
    assert properties(doc, "EmbeddedProject") == expected_keys(
        "project_embedded", "1.4"
    )
    assert properties(doc, "Check") == expected_keys("check", "1.4")
    parameters = {p["name"] for p in doc["paths"]["/api/patches/"]["get"]["parameters"]}
    assert parameters >= {
        "project",
        "state",
        "hash",
        "msgid",
        "q",
        "order",
        "page",
        "per_page",
        "since",
        "before",
    }


def test_older_version_document(client):
    doc = yaml.safe_load(document(client, "?version=1.0").content)
    assert "/api/1.0/patches/{id}/" in doc["paths"]
    assert not [path for path in doc["paths"] if "comments" in path]
    # Bundles are read-only before 1.2.
    assert set(doc["paths"]["/api/1.0/bundles/{id}/"]) == {"get"}
    assert properties(doc, "Patch") == expected_keys("patch", "1.0")
    parameters = {
        p["name"] for p in doc["paths"]["/api/1.0/patches/"]["get"]["parameters"]
    }
    assert "hash" not in parameters


def test_json_form(client):
    response = document(client, "?format=json")
    assert json.loads(response.content)["paths"]


def test_each_version_is_built_once_and_served_from_then_on(client, monkeypatch):
    from apps.api import schema

    schema._documents.clear()
    built = []
    original = schema.VersionedSchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        built.append(self.api_version)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(schema.VersionedSchemaGenerator, "get_schema", counting)
    first = document(client, "?format=json").json()
    again = document(client, "?format=json").json()
    as_yaml = yaml.safe_load(document(client).content)
    older = document(client, "?format=json&version=1.0").json()
    older_again = document(client, "?format=json&version=1.0").json()
    assert built == [schema.LATEST, "1.0"]
    assert first == again == as_yaml
    assert older == older_again != first
    assert "/api/1.0/patches/" in older["paths"]


def test_clients_are_told_of_basic_and_token_authentication(client):
    doc = document(client, "?format=json").json()
    assert doc["components"]["securitySchemes"] == {
        "basicAuth": {"type": "http", "scheme": "basic"},
        "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        "tokenAuth": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        },
    }
