"""The OpenAPI documents of our own API, generated from the views and committed."""

import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.api.contract import DETAIL_EXTRA, DOCUMENTS, VERSIONS, expected_keys

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
    "/api/series/{id}/interdiff/",
    "/api/bundles/",
    "/api/bundles/{id}/",
    "/api/events/",
    "/api/webhooks/",
    "/api/webhooks/{id}/",
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
    assert doc["info"]["version"].startswith("1.5")
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


# --- The committed documents (docs/api/) ---------------------------------------


def test_committed_documents_are_what_the_code_generates():
    # Fails after a change to a view, serializer or filter until
    # `manage.py openapi` (make openapi) has rewritten docs/api/.
    call_command("openapi", "--check", stdout=io.StringIO())


def test_a_stale_document_is_reported_and_rewritten(tmp_path):
    for path in DOCUMENTS.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "v1.2.yaml").write_text("openapi: 3.0.3\n")
    with pytest.raises(CommandError, match=r"stale OpenAPI documents .*: v1\.2\.yaml"):
        call_command("openapi", "--check", "--output", tmp_path, stdout=io.StringIO())
    assert (tmp_path / "v1.2.yaml").read_text() == "openapi: 3.0.3\n"
    out = io.StringIO()
    call_command("openapi", "--output", tmp_path, stdout=out)
    assert out.getvalue() == "1 document(s) written\n"
    assert (tmp_path / "v1.2.yaml").read_bytes() == (
        DOCUMENTS / "v1.2.yaml"
    ).read_bytes()


@pytest.mark.parametrize(
    ("query", "name"),
    [("", "latest.yaml"), *((f"?version={v}", f"v{v}.yaml") for v in VERSIONS[:-1])],
)
def test_the_served_document_is_the_committed_one(client, query, name):
    assert document(client, query).content == (DOCUMENTS / name).read_bytes()


def test_the_newest_versions_document_has_its_version_in_the_paths():
    latest = yaml.safe_load((DOCUMENTS / "latest.yaml").read_bytes())
    newest = yaml.safe_load((DOCUMENTS / f"v{VERSIONS[-1]}.yaml").read_bytes())
    prefix = f"/api/{VERSIONS[-1]}/"
    assert set(newest["paths"]) == {
        path.replace("/api/", prefix, 1) for path in latest["paths"]
    }
    assert newest["components"] == latest["components"]


@pytest.mark.parametrize(("version", "shown"), [("1.1", False), ("1.2", True)])
def test_user_settings_are_described_from_1_2_and_may_be_left_out(version, shown):
    doc = yaml.safe_load((DOCUMENTS / f"v{version}.yaml").read_bytes())
    detail = doc["components"]["schemas"]["UserDetail"]
    assert ("settings" in detail["properties"]) is shown
    assert "settings" not in detail["required"]
    # A PUT sends settings in every version.
    assert "settings" in doc["components"]["schemas"]["UserDetailRequest"]["required"]


def test_series_dependencies_and_nullable_objects():
    doc = yaml.safe_load((DOCUMENTS / "latest.yaml").read_bytes())
    schemas = doc["components"]["schemas"]
    assert not {"dependencies", "dependents"} & set(schemas["Series"]["required"])
    assert schemas["Series"]["properties"]["cover_letter"]["nullable"] is True
    assert schemas["Person"]["properties"]["user"]["nullable"] is True
    assert schemas["Event"]["properties"]["actor"]["nullable"] is True


def test_times_are_described_as_upstream_writes_them():
    # ISO 8601 in UTC without an offset (as upstream), which RFC 3339's
    # date-time does not allow: fuzzing found every dated answer "invalid".
    doc = yaml.safe_load((DOCUMENTS / "latest.yaml").read_bytes())
    schemas = doc["components"]["schemas"]
    for component in ("Patch", "Cover", "Series", "Check", "EmbeddedPatch"):
        assert schemas[component]["properties"]["date"]["format"] == "iso8601"


def _committed(name: str) -> dict:
    with open(DOCUMENTS / name) as handle:
        return yaml.safe_load(handle)


def _schema_fields(doc: dict, node: dict) -> set[str]:
    """Return the property names of a schema, through refs, arrays and allOf."""
    while "$ref" in node or "items" in node:
        if "items" in node:
            node = node["items"]
        else:
            node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    names = set(node.get("properties", {}))
    for part in node.get("allOf", ()):
        names |= _schema_fields(doc, part)
    return names


def _surface(doc: dict, prefix: str) -> dict[tuple[str, str], set[str]]:
    """Return {(route, method): fields of its 200 JSON response} of a document."""
    surface = {}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            fields = _schema_fields(doc, schema) if schema else set()
            surface[(path.removeprefix(prefix), method)] = fields
    return surface


def test_our_own_version_only_adds_to_the_last_upstream_one():
    # Clients written for 1.4 keep working against 1.5 and the unversioned
    # routes: every route, method and response field of 1.4 is there.
    older = _surface(_committed("v1.4.yaml"), "/api/1.4")
    newer = _surface(_committed("v1.5.yaml"), "/api/1.5")
    assert set(older) <= set(newer)
    assert [key for key, fields in older.items() if not fields <= newer[key]] == []


def test_the_unversioned_routes_are_the_newest_version():
    assert VERSIONS[-1] == "1.5"
    newest = _surface(_committed(f"v{VERSIONS[-1]}.yaml"), f"/api/{VERSIONS[-1]}")
    assert _surface(_committed("latest.yaml"), "/api") == newest
