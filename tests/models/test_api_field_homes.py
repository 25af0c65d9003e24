"""Every field of every REST resource has a home in the model.

The field lists are read from the API's own OpenAPI document of the newest
version (``docs/api/latest.yaml``: every field a GET answers) and, for event
payloads, from the serializer's table of payload keys, so a field added to
the API and forgotten here fails this test. Each field maps either to a
model field path or to a derivation that names the model fields it is
computed from; both are checked against the models' metadata.
"""

from dataclasses import dataclass

import pytest
import yaml

from apps.api.serializers.events import PAYLOADS
from apps.bundles.models import Bundle
from apps.checks.models import Check
from apps.events.models import Event
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.people.models import Person, User
from apps.projects.models import Project
from apps.webhooks.models import Webhook
from tests.api.contract import DOCUMENTS


@dataclass(frozen=True)
class Derived:
    """A value computed from model fields rather than stored as-is."""

    how: str
    sources: tuple[str, ...]


def derived(how: str, *sources: str) -> Derived:
    return Derived(how, sources)


URL = derived("absolute API URL built from the primary key", "id")

SUBMISSION = {
    "id": "id",
    "url": URL,
    "web_url": derived(
        "/project/<linkname>/<kind>/<msgid>/", "project.linkname", "msgid"
    ),
    "project": "project",
    "msgid": "msgid",
    "list_archive_url": derived(
        "project's list_archive_url_format with {} = msgid",
        "project.list_archive_url_format",
        "msgid",
    ),
    "date": "date",
    "name": "name",
    "submitter": "submitter",
    "mbox": derived("web mbox URL", "project.linkname", "msgid"),
    "series": derived("zero or one embedded series, as a list", "series"),
    "comments": derived("comment list URL of this object", "comments"),
    "headers": "headers",
    "content": "content",
}

COMMENT = {
    "id": "id",
    "url": URL,
    "web_url": derived("/comment/<id>/", "id"),
    "msgid": "msgid",
    "list_archive_url": derived("archive URL of msgid", "msgid"),
    "date": "date",
    "subject": derived("Subject: parsed from the stored header block", "headers"),
    "submitter": "submitter",
    "content": "content",
    "headers": "headers",
    "addressed": "addressed",
}

HOMES: dict[str, tuple[type, dict[str, str | Derived]]] = {
    "Projects": (
        Project,
        {
            "id": "id",
            "url": URL,
            "name": "name",
            "link_name": "linkname",
            "list_id": "listid",
            "list_email": "listemail",
            "web_url": "web_url",
            "scm_url": "scm_url",
            "webscm_url": "webscm_url",
            "maintainers": "maintainers",
            "subject_match": "subject_match",
            "list_archive_url": "list_archive_url",
            "list_archive_url_format": "list_archive_url_format",
            "commit_url_format": "commit_url_format",
            "show_dependencies": "show_dependencies",
            "supersede_old_versions": "supersede_old_versions",
            "cover_tags": "cover_tags",
        },
    ),
    "Users": (
        User,
        {
            "id": "id",
            "url": URL,
            "username": "username",
            "first_name": "first_name",
            "last_name": "last_name",
            "email": "email",
            "settings": derived(
                "profile settings object", "send_email", "items_per_page", "show_ids"
            ),
        },
    ),
    "People": (
        Person,
        {"id": "id", "url": URL, "name": "name", "email": "email", "user": "user"},
    ),
    "Patches": (
        Patch,
        SUBMISSION
        | {
            "commit_ref": "commit_ref",
            "pull_url": "pull_url",
            "state": "state.slug",
            "archived": "archived",
            "hash": "hash",
            "delegate": "delegate",
            "check": derived(
                "newest check per (user, context), worst state wins",
                "checks.state",
                "checks.user",
                "checks.context",
                "checks.date",
            ),
            "checks": derived("check list URL of this patch", "checks"),
            "tags": derived("always {} in the API; counts kept for the web", "tags"),
            "related": derived("other patches of the relation", "related.patches"),
            "diff": "diff",
            "prefixes": derived("bracketed prefix of the name, split", "name"),
        },
    ),
    "Covers": (Cover, SUBMISSION),
    "Series": (
        Series,
        {
            "id": "id",
            "url": URL,
            "web_url": derived("patch list filtered on the series", "project.linkname"),
            "project": "project",
            "name": "name",
            "date": "date",
            "submitter": "submitter",
            "version": "version",
            "total": "total",
            "received_total": derived("number of patches in the series", "patches"),
            "received_all": derived("total <= received_total", "total", "patches"),
            "mbox": derived("/series/<id>/mbox/", "id"),
            "cover_letter": "cover_letter",
            "patches": "patches",
            "dependencies": "dependencies",
            "dependents": "dependents",
            "previous_version": "previous_version",
            "next_version": derived(
                "the newest series naming this one its previous version",
                "next_versions",
            ),
            "versions": derived("the series of its lineage, oldest first", "lineage"),
            "state": derived(
                "its patches' states; superseded when a newer version exists",
                "patches.state",
                "next_versions",
            ),
        },
    ),
    "Comments": (PatchComment, COMMENT),
    "Checks": (
        Check,
        {
            "id": "id",
            "url": URL,
            "user": "user",
            "date": "date",
            "state": "state",
            "target_url": "target_url",
            "context": "context",
            "description": "description",
        },
    ),
    "Bundles": (
        Bundle,
        {
            "id": "id",
            "url": URL,
            "web_url": derived("/bundle/<owner>/<name>/", "owner.username", "name"),
            "project": "project",
            "name": "name",
            "owner": "owner",
            "patches": "patches",
            "public": "public",
            "mbox": derived("/bundle/<owner>/<name>/mbox/", "owner.username", "name"),
        },
    ),
    "Events": (
        Event,
        {
            "id": "id",
            "category": "category",
            "project": "project",
            "date": "date",
            "actor": "actor",
            "payload": derived("the category's payload keys", "category"),
            # Payload keys (category table).
            "cover": "cover",
            "patch": "patch",
            "series": "series",
            "previous_state": "previous_state.slug",
            "current_state": "current_state.slug",
            "previous_delegate": "previous_delegate",
            "current_delegate": "current_delegate",
            "previous_relation": "previous_relation",
            "current_relation": "current_relation",
            "check": "created_check",
            "comment": derived(
                "the patch or cover comment", "patch_comment", "cover_comment"
            ),
            "merged_series": "merged_series_id",
        },
    ),
    "Webhooks": (
        Webhook,
        {
            "id": "id",
            "project": "project",
            "url": "url",
            "events": "events",
            "active": "active",
            "owner": "owner",
            "created": "created",
            "failing_since": "failing_since",
        },
    ),
}


# The document's resource of each path (its last word that is not an id).
RESOURCES = {
    "projects": "Projects",
    "users": "Users",
    "people": "People",
    "patches": "Patches",
    "covers": "Covers",
    "series": "Series",
    "comments": "Comments",
    "checks": "Checks",
    "bundles": "Bundles",
    "events": "Events",
    "webhooks": "Webhooks",
}
# Routes answering a computation over several objects, not a stored
# resource: the interdiff of two series versions.
COMPUTED = {"interdiff"}


def _properties(doc: dict, schema: dict) -> set[str]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "array":
        return _properties(doc, schema["items"])
    return set(schema.get("properties", {}))


def api_resources() -> dict[str, set[str]]:
    """Return {resource: field names} from the newest OpenAPI document."""
    doc = yaml.safe_load((DOCUMENTS / "latest.yaml").read_text())
    resources: dict[str, set[str]] = {}
    for path, item in doc["paths"].items():
        words = [word for word in path.strip("/").split("/")[1:] if "{" not in word]
        if not words or "get" not in item or words[-1] in COMPUTED:
            continue
        schema = item["get"]["responses"]["200"]["content"]["application/json"]
        fields = _properties(doc, schema["schema"])
        resources.setdefault(RESOURCES[words[-1]], set()).update(fields)
    resources["Events"].update(key for keys in PAYLOADS.values() for key, _ in keys)
    return resources


def resolve(model: type, path: str) -> None:
    """Fail unless ``path`` (``a.b.c``) walks existing model fields."""
    for part in path.split("."):
        field = model._meta.get_field(part)
        model = field.related_model or model


def test_spec_lists_every_resource():
    assert set(api_resources()) == set(HOMES)


@pytest.mark.parametrize("resource", sorted(HOMES))
def test_every_field_has_a_home(resource):
    model, homes = HOMES[resource]
    assert set(api_resources()[resource]) == set(homes)
    for name, home in homes.items():
        for path in home.sources if isinstance(home, Derived) else (home,):
            try:
                resolve(model, path)
            except Exception as exc:  # FieldDoesNotExist and friends
                pytest.fail(f"{resource}.{name} -> {model.__name__}.{path}: {exc}")


def test_cover_comments_have_the_same_homes():
    for home in COMMENT.values():
        for path in home.sources if isinstance(home, Derived) else (home,):
            resolve(CoverComment, path)
