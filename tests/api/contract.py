"""The API contract every test response is checked against.

Two checks run on each JSON response the API test client receives:

1. the project's own OpenAPI document of the requested version
   (``docs/api/``, generated from the views by ``manage.py openapi`` and kept
   current by ``tests/api/test_openapi.py``);
2. the exact set of keys of every object in the body, resource by resource
   and version by version, from the field tables of the REST API reference
   (a schema allows missing and extra keys, so it cannot catch version leaks).

How our documents compare with upstream's published ones is checked once,
in ``tests/api/test_upstream_schemas.py``.
"""

import re
from functools import cache
from urllib.parse import quote

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.paths import REPO

VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
LATEST = VERSIONS[-1]
DOCUMENTS = REPO / "docs" / "api"


def vt(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# --- Schemas ------------------------------------------------------------------


def as_json_schema(node):
    """Read an OpenAPI 3.0 schema as JSON Schema says the same thing.

    drf-spectacular writes OpenAPI 3.0, where ``nullable`` widens a schema
    to allow null; JSON Schema validators ignore that keyword. It describes a
    URL field that may be blank as ``oneOf`` a URI or an empty string, which
    only the ``uri`` format tells apart, and validators check no formats: an
    empty string matches both, so read ``oneOf`` as ``anyOf``.
    """
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        "anyOf" if key == "oneOf" else key: as_json_schema(value)
        for key, value in node.items()
    }
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str) and "enum" not in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [{"type": "null"}, node]}
    return node


@cache
def schema_document(version: str | None) -> dict:
    """Return our document of ``version`` (None: the unversioned routes)."""
    name = f"v{version}.yaml" if version else "latest.yaml"
    with open(DOCUMENTS / name) as handle:
        return as_json_schema(yaml.safe_load(handle))


@cache
def _registry(version: str | None) -> Registry:
    return Registry().with_resource(
        "urn:pw",
        Resource.from_contents(
            schema_document(version), default_specification=DRAFT202012
        ),
    )


def _pointer(*parts: str) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "/".join(quote(part, safe="~") for part in escaped)


def validate_schema(version: str | None, ref_parts: tuple[str, ...], body) -> None:
    ref = "urn:pw#/" + _pointer(*ref_parts)
    Draft202012Validator({"$ref": ref}, registry=_registry(version)).validate(body)


def _doc_path(version: str | None, api_path: str) -> str:
    """Map a request path to the document's path key (with a trailing slash)."""
    prefix = f"/api/{version}/" if version else "/api/"
    rest = api_path.strip("/")
    return f"{prefix}{rest}/" if rest else prefix


def _template_match(paths: dict, concrete: str) -> str | None:
    for template in paths:
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template)) + "$"
        if re.match(regex, concrete):
            return template
    return None


def validate_response(version, api_path, method, status, body) -> None:
    """Validate ``body`` against the schema of the request's path and status.

    Statuses a path does not document (errors: 403, 404, 405, "Invalid
    page." ...) must be a ``detail`` message; field validation errors must
    be lists of messages by field.
    """
    doc = schema_document(version)
    template = _template_match(doc["paths"], _doc_path(version, api_path))
    if template is None:
        raise AssertionError(f"{api_path} has no path in the {version} schema")
    method = method.lower()
    operation = doc["paths"][template].get(method)
    responses = (operation or {}).get("responses", {})
    documented = responses.get(str(status), {}).get("content", {})
    if "application/json" in documented:
        validate_schema(
            version,
            (
                "paths",
                template,
                method,
                "responses",
                str(status),
                "content",
                "application/json",
                "schema",
            ),
            body,
        )
        return
    if isinstance(body, dict) and set(body) == {"detail"}:
        assert isinstance(body["detail"], str), body
        return
    if status == 400 and isinstance(body, dict):
        _check_field_errors(body)
        return
    raise AssertionError(f"undocumented {status} response to {method} {api_path}")


def _check_field_errors(errors: dict) -> None:
    for key, value in errors.items():
        assert isinstance(key, str)
        if isinstance(value, dict):
            _check_field_errors(value)
        else:
            assert isinstance(value, list), errors
            assert all(isinstance(item, str) for item in value), errors


# --- Exact keys (rest-api.md §7-8) -------------------------------------------

# name: (keys in 1.0, {version: keys added then})
KEYS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "project_embedded": (
        (
            "id",
            "url",
            "name",
            "link_name",
            "list_id",
            "list_email",
            "web_url",
            "scm_url",
            "webscm_url",
        ),
        {"1.2": ("list_archive_url", "list_archive_url_format", "commit_url_format")},
    ),
    "project": (
        (
            "id",
            "url",
            "name",
            "link_name",
            "list_id",
            "list_email",
            "web_url",
            "scm_url",
            "webscm_url",
            "maintainers",
        ),
        {
            "1.1": ("subject_match",),
            "1.2": ("list_archive_url", "list_archive_url_format", "commit_url_format"),
            "1.4": ("show_dependencies",),
            "1.5": ("supersede_old_versions", "cover_tags"),
        },
    ),
    "person_embedded": (("id", "url", "name", "email"), {}),
    "user_embedded": (
        ("id", "url", "username", "first_name", "last_name", "email"),
        {},
    ),
    "user": (("id", "url", "username", "first_name", "last_name", "email"), {}),
    "person": (("id", "url", "name", "email", "user"), {}),
    "series_embedded": (
        ("id", "url", "date", "name", "version", "mbox"),
        {"1.1": ("web_url",)},
    ),
    "patch_embedded": (
        ("id", "url", "msgid", "date", "name", "mbox"),
        {"1.1": ("web_url",), "1.2": ("list_archive_url",)},
    ),
    "cover_embedded": (
        ("id", "url", "msgid", "date", "name"),
        {"1.1": ("web_url", "mbox"), "1.2": ("list_archive_url",)},
    ),
    "comment_embedded": (
        ("id", "msgid", "date"),
        {"1.1": ("web_url",), "1.2": ("list_archive_url",), "1.3": ("url",)},
    ),
    "check_embedded": (("id", "url", "date", "state", "target_url", "context"), {}),
    "patch": (
        (
            "id",
            "url",
            "project",
            "msgid",
            "date",
            "name",
            "commit_ref",
            "pull_url",
            "state",
            "archived",
            "hash",
            "submitter",
            "delegate",
            "mbox",
            "series",
            "check",
            "checks",
            "tags",
        ),
        {"1.1": ("web_url", "comments"), "1.2": ("list_archive_url", "related")},
    ),
    "cover": (
        ("id", "url", "project", "msgid", "date", "name", "submitter", "series"),
        {"1.1": ("web_url", "mbox", "comments"), "1.2": ("list_archive_url",)},
    ),
    "series": (
        (
            "id",
            "url",
            "project",
            "name",
            "date",
            "submitter",
            "version",
            "total",
            "received_total",
            "received_all",
            "mbox",
            "cover_letter",
            "patches",
        ),
        {
            "1.1": ("web_url",),
            "1.5": ("previous_version", "next_version", "versions", "state"),
        },
    ),
    "comment": (
        (
            "id",
            "web_url",
            "msgid",
            "date",
            "subject",
            "submitter",
            "content",
            "headers",
        ),
        {"1.2": ("list_archive_url",), "1.3": ("url", "addressed")},
    ),
    "check": (
        ("id", "url", "user", "date", "state", "target_url", "context", "description"),
        {},
    ),
    "bundle": (
        ("id", "url", "project", "name", "owner", "patches", "public", "mbox"),
        {"1.1": ("web_url",)},
    ),
    "event": (("id", "category", "project", "date", "actor", "payload"), {}),
    "index": (
        (
            "projects",
            "users",
            "people",
            "patches",
            "covers",
            "series",
            "events",
            "bundles",
        ),
        {},
    ),
}

DETAIL_EXTRA = {
    "patch": ("headers", "content", "diff", "prefixes"),
    "cover": ("headers", "content"),
}

# Nested objects: key -> (kind, shape) with shape "one", "optional" or "many".
NESTED = {
    "project": {"maintainers": ("user_embedded", "many")},
    "person": {"user": ("user_embedded", "optional")},
    "patch": {
        "project": ("project_embedded", "one"),
        "submitter": ("person_embedded", "one"),
        "delegate": ("user_embedded", "optional"),
        "series": ("series_embedded", "many"),
        "related": ("patch_embedded", "many"),
    },
    "cover": {
        "project": ("project_embedded", "one"),
        "submitter": ("person_embedded", "one"),
        "series": ("series_embedded", "many"),
    },
    "series": {
        "project": ("project_embedded", "one"),
        "submitter": ("person_embedded", "one"),
        "cover_letter": ("cover_embedded", "optional"),
        "patches": ("patch_embedded", "many"),
        "previous_version": ("series_embedded", "optional"),
        "next_version": ("series_embedded", "optional"),
        "versions": ("series_embedded", "many"),
    },
    "comment": {"submitter": ("person_embedded", "one")},
    "check": {"user": ("user_embedded", "one")},
    "bundle": {
        "project": ("project_embedded", "one"),
        "owner": ("user_embedded", "one"),
        "patches": ("patch_embedded", "many"),
    },
    "event": {
        "project": ("project_embedded", "one"),
        "actor": ("user_embedded", "optional"),
    },
}

PAYLOADS = {
    "cover-created": {"cover": "cover_embedded"},
    "patch-created": {"patch": "patch_embedded"},
    "patch-completed": {"patch": "patch_embedded", "series": "series_embedded"},
    "patch-state-changed": {
        "patch": "patch_embedded",
        "previous_state": "slug",
        "current_state": "slug",
    },
    "patch-delegated": {
        "patch": "patch_embedded",
        "previous_delegate": "user_embedded",
        "current_delegate": "user_embedded",
    },
    "patch-relation-changed": {
        "patch": "patch_embedded",
        "previous_relation": "null",
        "current_relation": "null",
    },
    "check-created": {"patch": "patch_embedded", "check": "check_embedded"},
    "series-created": {"series": "series_embedded"},
    "series-completed": {"series": "series_embedded"},
    "cover-comment-created": {
        "cover": "cover_embedded",
        "comment": "comment_embedded",
    },
    "patch-comment-created": {
        "patch": "patch_embedded",
        "comment": "comment_embedded",
    },
}


def expected_keys(kind: str, version: str) -> set[str]:
    base, added = KEYS[kind]
    keys = set(base)
    for since, names in added.items():
        if vt(version) >= vt(since):
            keys.update(names)
    return keys


def check_keys(kind: str, obj, version: str, *, detail=False, own_user=False):
    """Assert ``obj`` (and everything nested) has exactly the spec's keys."""
    assert isinstance(obj, dict), f"{kind}: expected an object, got {obj!r}"
    keys = expected_keys(kind, version)
    if detail:
        keys |= set(DETAIL_EXTRA.get(kind, ()))
    if kind == "user" and own_user and vt(version) >= vt("1.2"):
        keys.add("settings")
    if kind == "series" and vt(version) >= vt("1.4") and "dependencies" in obj:
        # Present only where the project tracks dependencies (§7.7).
        keys |= {"dependencies", "dependents"}
    assert set(obj) == keys, (
        f"{kind} keys in {version}: missing {sorted(keys - set(obj))}, "
        f"extra {sorted(set(obj) - keys)}"
    )
    if "settings" in keys:
        assert set(obj["settings"]) == {"send_email", "items_per_page", "show_ids"}
    for key, (nested, shape) in NESTED.get(kind, {}).items():
        if key not in obj:
            continue
        value = obj[key]
        if shape == "many":
            assert isinstance(value, list), f"{kind}.{key} must be a list"
            for item in value:
                check_keys(nested, item, version)
        elif shape == "optional" and value is None:
            continue
        else:
            check_keys(nested, value, version)
    if kind == "event":
        _check_payload(obj, version)


def _check_payload(event: dict, version: str) -> None:
    spec = PAYLOADS[event["category"]]
    payload = event["payload"]
    assert set(payload) == set(spec), (event["category"], sorted(payload))
    for key, nested in spec.items():
        value = payload[key]
        if nested == "null":
            assert value is None
        elif nested == "slug":
            assert isinstance(value, str)
        elif value is not None:
            check_keys(nested, value, version)


# Route (after /api/[version/]) -> (kind, many, detail)
ROUTES = (
    (r"", "index", False, False),
    (r"projects/", "project", True, False),
    (r"projects/[^/]+/", "project", False, False),
    (r"users/", "user", True, False),
    (r"users/\d+/", "user", False, False),
    (r"people/", "person", True, False),
    (r"people/\d+/", "person", False, False),
    (r"patches/", "patch", True, False),
    (r"patches/\d+/", "patch", False, True),
    (r"patches/\d+/checks/", "check", True, False),
    (r"patches/\d+/checks/\d+/", "check", False, False),
    (r"patches/\d+/comments/", "comment", True, False),
    (r"patches/\d+/comments/\d+/", "comment", False, False),
    (r"covers/", "cover", True, False),
    (r"covers/\d+/", "cover", False, True),
    (r"covers/\d+/comments/", "comment", True, False),
    (r"covers/\d+/comments/\d+/", "comment", False, False),
    (r"series/", "series", True, False),
    (r"series/\d+/", "series", False, False),
    (r"bundles/", "bundle", True, False),
    (r"bundles/\d+/", "bundle", False, False),
    (r"events/", "event", True, False),
)

API_PATH = re.compile(r"^/api/(?:(?P<version>1\.[0-4])/)?(?P<rest>.*)$")


def route_of(path: str):
    """Return (version, rest, kind, many, detail) of an API path, or None."""
    match = API_PATH.match(path)
    if match is None:
        return None
    rest = match["rest"]
    for pattern, kind, many, detail in ROUTES:
        if re.fullmatch(pattern, rest):
            return match["version"], rest, kind, many, detail
    return None


def check_response(method, path, status, body, *, acting_user_id=None) -> None:
    """Run both checks on one JSON response of the API."""
    route = route_of(path)
    if route is None:
        return
    version, rest, kind, many, detail = route
    if method == "OPTIONS":
        # No schema describes OPTIONS; its shape is fixed (§2.2).
        if status == 200:
            assert {"name", "description", "renders", "parses"} <= set(body)
            assert set(body) <= {"name", "description", "renders", "parses", "actions"}
        return
    validate_response(version, rest, method, status, body)
    if status not in (200, 201):
        return
    effective = version or LATEST
    many = many and method == "GET"  # a POST to a list returns one object
    items = body if many else [body]
    if many:
        assert isinstance(body, list), f"{path}: lists are bare arrays"
    for item in items:
        own = kind == "user" and item.get("id") == acting_user_id and not many
        check_keys(kind, item, effective, detail=detail, own_user=own)
