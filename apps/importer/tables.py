"""What is read from an upstream Patchwork database, and in which order.

One ``Table`` (``apps.importer.table``) per kind of row: the source rows
and, for each column of the target table, the SQL expression that gives its
value. Most kinds are upstream tables read as they are (``PLAIN``); the
others depend on the source's release (``apps.importer.layout``). A target
column that no expression names takes the model field's default (or NULL),
so a column added to patchserver's models needs a line only when upstream
has data for it; a new model needs a kind here or an entry in
``NOT_IMPORTED`` (a test checks that every model is one or the other).
"""

from collections.abc import Callable
from typing import Any

from rest_framework.authtoken.models import Token

from apps.bundles.models import Bundle, BundlePatch
from apps.checks.models import Check
from apps.importer.layout import Layout
from apps.importer.schema import Feature, SourceSchema
from apps.importer.table import PERSON, Table
from apps.notifications.models import EmailOptout, PatchChangeNotification
from apps.patches.models import (
    PatchRelation,
    PatchTag,
    Series,
    SeriesReference,
    State,
    Tag,
)
from apps.people.models import Person
from apps.projects.models import DelegationRule

# Models of the target that hold nothing an import brings, and why.
NOT_IMPORTED = {
    "people.EmailConfirmation": "confirmation links expire within days",
    "notifications.EventCursor": "set past the imported events afterwards",
    "importer.ImportProgress": "the import's own bookkeeping",
    "importer.DroppedConstraint": "the import's own bookkeeping",
    "importer.MirroredObject": "bookkeeping of --from-api",
    "importer.MirrorState": "bookkeeping of --from-api",
    "ingest.InboxProgress": "where parsearchive got in this host's public-inboxes",
    "ingest.PendingMail": "upstream drops replies whose parent is not stored",
    "patches.SeriesThreadReference": "derived from mail by manage.py linkversions",
    "people.User_groups": "groups and permissions are not carried over",
    "people.User_user_permissions": "groups and permissions are not carried over",
    "patches.PatchFile": "derived from the diffs after the import",
    "patches.PatchDiffText": "derived from the diffs after the import",
}

# Tables read as they are: kind -> (model, upstream table, columns named alike).
PLAIN: dict[str, tuple[Any, str, str]] = {
    "API tokens": (Token, "authtoken_token", "key created user_id"),
    "people": (Person, "patchwork_person", "id email name user_id"),
    "states": (State, "patchwork_state", "id name slug ordering action_required"),
    "tags": (Tag, "patchwork_tag", "id name pattern abbrev show_column"),
    "delegation rules": (
        DelegationRule,
        "patchwork_delegationrule",
        "id project_id user_id path priority",
    ),
    "patch relations": (PatchRelation, "patchwork_patchrelation", "id"),
    "series references": (
        SeriesReference,
        "patchwork_seriesreference",
        "id series_id project_id msgid",
    ),
    "series dependencies": (
        Series.dependencies.through,
        "patchwork_series_dependencies",
        "id from_series_id to_series_id",
    ),
    "patch tags": (PatchTag, "patchwork_patchtag", "id patch_id tag_id count"),
    "checks": (
        Check,
        "patchwork_check",
        "id patch_id user_id date state target_url description context",
    ),
    "bundles": (Bundle, "patchwork_bundle", "id owner_id project_id name public"),
    "bundle patches": (
        BundlePatch,
        "patchwork_bundlepatch",
        "id bundle_id patch_id order",
    ),
    "notification opt-outs": (EmailOptout, "patchwork_emailoptout", "email"),
    "pending notifications": (
        PatchChangeNotification,
        "patchwork_patchchangenotification",
        "patch_id last_modified orig_state_id",
    ),
}

# Kinds that only releases with a feature have.
NEEDS = {
    "patch relations": Feature.RELATIONS,
    "series dependencies": Feature.DEPENDENCIES,
}


def build_tables(
    schema: SourceSchema, quote: Callable[[str], str], *, default_state: int | None
) -> list[Table]:
    """Return the tables to import, in an order that satisfies foreign keys."""
    layout = Layout(schema, quote)
    order: list[str | Callable[[], Table | list[Table]]] = [
        layout.users,
        "API tokens",
        "people",
        layout.projects,
        layout.maintainers,
        "states",
        "tags",
        "delegation rules",
        "patch relations",
        layout.covers,
        layout.series,
        "series references",
        "series dependencies",
        lambda: layout.patches(default_state),
        "patch tags",
        layout.comments,
        "checks",
        "bundles",
        "bundle patches",
        layout.events,
        "notification opt-outs",
        "pending notifications",
    ]
    tables: list[Table] = []
    for item in order:
        if callable(item):
            made = item()
            tables += made if isinstance(made, list) else [made]
        elif _wanted(item, schema):
            model, table, names = PLAIN[item]
            # The first column is the key; people merged by address are skipped.
            key = names.split()[0]
            merged = PERSON if item == "people" else None
            tables.append(
                layout.plain(item, model, table, names, key=key, merged_into=merged)
            )
    return tables


def _wanted(kind: str, schema: SourceSchema) -> bool:
    if kind == "API tokens":
        return schema.has_tokens
    return kind not in NEEDS or schema.has(NEEDS[kind])
