"""What is read from an upstream Patchwork database, and where it goes.

One ``Table`` per kind of row: the source rows (a ``FROM`` clause whose main
table is aliased ``t``, read in pages ordered by ``key``) and, for each
column of the target table, the SQL expression that gives its value. A
target column that no expression names takes the model field's default (or
NULL), so a column added to patchserver's models needs a line here only
when upstream has data for it; a new model needs a ``Table`` here or an
entry in ``NOT_IMPORTED`` (a test checks that every model is one or the
other).

Upstream's layouts differ between releases (``SourceSchema.features``): up to
3.0, patches and cover letters were rows of ``patchwork_submission`` with a
child row each, and comments of both lived in ``patchwork_comment``. Ids
carry over unchanged, as upstream's own 3.0 migration kept them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from rest_framework.authtoken.models import Token

from apps.bundles.models import Bundle, BundlePatch
from apps.checks.models import Check
from apps.events.models import Event
from apps.importer.schema import Feature, SourceSchema
from apps.notifications.models import EmailOptout, PatchChangeNotification
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchRelation,
    PatchTag,
    Series,
    SeriesReference,
    State,
    Tag,
)
from apps.people.models import Person, User
from apps.projects.models import DelegationRule, Project

# Models of the target that hold nothing an import brings, and why.
NOT_IMPORTED = {
    "people.EmailConfirmation": "confirmation links expire within days",
    "notifications.EventCursor": "set past the imported events afterwards",
    "importer.ImportProgress": "the import's own bookkeeping",
    "importer.DroppedConstraint": "the import's own bookkeeping",
    "importer.MirroredObject": "bookkeeping of --from-api",
    "importer.MirrorState": "bookkeeping of --from-api",
    "people.User_groups": "groups and permissions are not carried over",
    "people.User_user_permissions": "groups and permissions are not carried over",
}

PERSON = "person"  # the remap of people merged by case-insensitive address


@dataclass(frozen=True)
class Table:
    kind: str  # shown in progress lines and the final report
    model: type[models.Model]
    source: str  # FROM clause; the main table is aliased "t"
    key: str  # unique expression the rows are read in order of
    columns: Mapping[str, str]  # target column -> source SQL expression
    wide: bool = False  # rows carry mail bodies: read fewer at a time
    # target column -> name of an id remap applied to its values
    remap: Mapping[str, str] = field(default_factory=dict)
    merged_into: str | None = None  # skip rows whose key that remap maps away
    # (SQL condition, explanation): rows changed on the way, counted and reported
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def text_key(self) -> bool:
        return self.model._meta.pk.get_internal_type() == "CharField"


def build_tables(
    schema: SourceSchema, quote: Callable[[str], str], *, default_state: int | None
) -> list[Table]:
    """Return the tables to import, in an order that satisfies foreign keys."""
    q = quote

    def same(*names: str, alias: str = "t") -> dict[str, str]:
        return {name: f"{alias}.{q(name)}" for name in names}

    merged = schema.has(Feature.MERGED_SUBMISSIONS)
    return [
        *_account_tables(schema, same),
        Table(
            "states",
            State,
            "patchwork_state t",
            "t.id",
            same("id", "name", "slug", "ordering", "action_required"),
        ),
        Table(
            "tags",
            Tag,
            "patchwork_tag t",
            "t.id",
            same("id", "name", "pattern", "abbrev", "show_column"),
        ),
        Table(
            "delegation rules",
            DelegationRule,
            "patchwork_delegationrule t",
            "t.id",
            same("id", "project_id", "user_id", "path", "priority"),
        ),
        *(
            [
                Table(
                    "patch relations",
                    PatchRelation,
                    "patchwork_patchrelation t",
                    "t.id",
                    same("id"),
                )
            ]
            if schema.has(Feature.RELATIONS)
            else []
        ),
        _covers(merged, same),
        *_series_tables(schema, same),
        _patches(schema, same, default_state),
        Table(
            "patch tags",
            PatchTag,
            "patchwork_patchtag t",
            "t.id",
            same("id", "patch_id", "tag_id", "count"),
        ),
        *_comment_tables(schema, same),
        Table(
            "checks",
            Check,
            "patchwork_check t",
            "t.id",
            same(
                "id",
                "patch_id",
                "user_id",
                "date",
                "state",
                "target_url",
                "description",
                "context",
            ),
        ),
        Table(
            "bundles",
            Bundle,
            "patchwork_bundle t",
            "t.id",
            same("id", "owner_id", "project_id", "name", "public"),
        ),
        Table(
            "bundle patches",
            BundlePatch,
            "patchwork_bundlepatch t",
            "t.id",
            same("id", "bundle_id", "patch_id", "order"),
        ),
        _events(schema, same),
        Table(
            "notification opt-outs",
            EmailOptout,
            "patchwork_emailoptout t",
            "t.email",
            same("email"),
        ),
        Table(
            "pending notifications",
            PatchChangeNotification,
            "patchwork_patchchangenotification t",
            "t.patch_id",
            same("patch_id", "last_modified", "orig_state_id"),
        ),
    ]


Same = Callable[..., dict[str, str]]


def _account_tables(schema: SourceSchema, same: Same) -> list[Table]:
    # Upstream keeps the settings on a profile row; a user may lack one.
    # A page size below 1 (possible upstream) would break the web lists.
    users = Table(
        "users",
        User,
        "auth_user t LEFT JOIN patchwork_userprofile p ON p.user_id = t.id",
        "t.id",
        {
            **same(
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ),
            "items_per_page": "CASE WHEN p.items_per_page >= 1 "
            "THEN p.items_per_page ELSE 100 END",
            "show_ids": "COALESCE(p.show_ids, FALSE)",
            "send_email": "COALESCE(p.send_email, FALSE)",
        },
    )
    tokens = Table(
        "API tokens",
        Token,
        "authtoken_token t",
        same("key")["key"],
        same("key", "created", "user_id"),
    )
    return [
        users,
        *([tokens] if schema.has_tokens else []),
        Table(
            "people",
            Person,
            "patchwork_person t",
            "t.id",
            same("id", "email", "name", "user_id"),
            merged_into=PERSON,
        ),
        Table(
            "projects",
            Project,
            "patchwork_project t",
            "t.id",
            same(
                "id",
                "linkname",
                "name",
                "listid",
                "listemail",
                "subject_match",
                "web_url",
                "scm_url",
                "webscm_url",
                "list_archive_url",
                "list_archive_url_format",
                "commit_url_format",
                "send_notifications",
                "use_tags",
                *(["show_dependencies"] if schema.has(Feature.DEPENDENCIES) else []),
            ),
        ),
        Table(
            "project maintainers",
            Project.maintainers.through,
            "patchwork_userprofile_maintainer_projects t "
            "JOIN patchwork_userprofile p ON p.id = t.userprofile_id",
            "t.id",
            {**same("id", "project_id"), "user_id": "p.user_id"},
        ),
    ]


MAIL = ("msgid", "date", "headers", "submitter_id", "content")
SUBMISSION = (*MAIL, "project_id", "name")
PATCH_ONLY = (
    "diff",
    "pull_url",
    "commit_ref",
    "hash",
    "archived",
    "delegate_id",
    "series_id",
    "number",
)


def _covers(merged: bool, same: Same) -> Table:
    if merged:
        return Table(
            "covers",
            Cover,
            "patchwork_cover t",
            "t.id",
            same("id", *SUBMISSION),
            wide=True,
            remap={"submitter_id": PERSON},
        )
    return Table(
        "covers",
        Cover,
        "patchwork_coverletter c JOIN patchwork_submission t "
        "ON t.id = c.submission_ptr_id",
        "c.submission_ptr_id",
        same("id", *SUBMISSION),
        wide=True,
        remap={"submitter_id": PERSON},
    )


def _series_tables(schema: SourceSchema, same: Same) -> list[Table]:
    if schema.has(Feature.MERGED_SUBMISSIONS):
        of_patches = "SELECT MIN(x.project_id) FROM patchwork_patch x "
        of_patches += "WHERE x.series_id = t.id"
        of_cover = "SELECT x.project_id FROM patchwork_cover x "
    else:
        of_patches = "SELECT MIN(x.project_id) FROM patchwork_patch y "
        of_patches += "JOIN patchwork_submission x ON x.id = y.submission_ptr_id "
        of_patches += "WHERE y.series_id = t.id"
        of_cover = "SELECT x.project_id FROM patchwork_submission x "
    of_cover += "WHERE x.id = t.cover_letter_id"
    # Series from before upstream's 2.0 data migration may lack a project:
    # they belong to the project of their patches or cover letter.
    project = f"COALESCE(t.project_id, ({of_patches}), ({of_cover}))"
    tables = [
        Table(
            "series",
            Series,
            "patchwork_series t",
            "t.id",
            {
                **same(
                    "id",
                    "cover_letter_id",
                    "name",
                    "date",
                    "submitter_id",
                    "version",
                    "total",
                ),
                "project_id": project,
            },
            remap={"submitter_id": PERSON},
            notes=(
                (
                    "t.project_id IS NULL",
                    "had no project: given their patches' project",
                ),
            ),
        ),
        Table(
            "series references",
            SeriesReference,
            "patchwork_seriesreference t",
            "t.id",
            same("id", "series_id", "project_id", "msgid"),
        ),
    ]
    if schema.has(Feature.DEPENDENCIES):
        tables.append(
            Table(
                "series dependencies",
                Series.dependencies.through,
                "patchwork_series_dependencies t",
                "t.id",
                same("id", "from_series_id", "to_series_id"),
            )
        )
    return tables


def _patches(schema: SourceSchema, same: Same, default_state: int | None) -> Table:
    merged = schema.has(Feature.MERGED_SUBMISSIONS)
    child = "t" if merged else "p"
    columns = {
        **same("id", *SUBMISSION),
        **same(*PATCH_ONLY, alias=child),
        "state_id": f"{child}.state_id",
    }
    if schema.has(Feature.RELATIONS):
        columns.update(same("related_id", alias=child))
    notes: tuple[tuple[str, str], ...] = ()
    if default_state is not None:
        # Upstream allows a patch without a state (3.0's migration left the
        # old cover letter rows so); patchserver gives every patch one.
        columns["state_id"] = f"COALESCE({child}.state_id, {int(default_state)})"
        notes = (
            (
                f"{child}.state_id IS NULL",
                "had no state: given the state with the lowest ordering",
            ),
        )
    source = "patchwork_patch t"
    if not merged:
        source = "patchwork_patch p JOIN patchwork_submission t "
        source += "ON t.id = p.submission_ptr_id"
    key = "t.id" if merged else "p.submission_ptr_id"
    return Table(
        "patches",
        Patch,
        source,
        key,
        columns,
        wide=True,
        remap={"submitter_id": PERSON},
        notes=notes,
    )


def _comment_tables(schema: SourceSchema, same: Same) -> list[Table]:
    remap = {"submitter_id": PERSON}
    if not schema.has(Feature.MERGED_SUBMISSIONS):
        return [
            Table(
                "patch comments",
                PatchComment,
                "patchwork_comment t JOIN patchwork_patch p "
                "ON p.submission_ptr_id = t.submission_id",
                "t.id",
                {**same("id", *MAIL), "patch_id": "t.submission_id"},
                wide=True,
                remap=remap,
            ),
            Table(
                "cover comments",
                CoverComment,
                "patchwork_comment t JOIN patchwork_coverletter c "
                "ON c.submission_ptr_id = t.submission_id",
                "t.id",
                {**same("id", *MAIL), "cover_id": "t.submission_id"},
                wide=True,
                remap=remap,
            ),
        ]
    addressed = ("addressed",) if schema.has(Feature.ADDRESSED) else ()
    return [
        Table(
            "patch comments",
            PatchComment,
            "patchwork_patchcomment t",
            "t.id",
            same("id", *MAIL, "patch_id", *addressed),
            wide=True,
            remap=remap,
        ),
        Table(
            "cover comments",
            CoverComment,
            "patchwork_covercomment t",
            "t.id",
            same("id", *MAIL, "cover_id", *addressed),
            wide=True,
            remap=remap,
        ),
    ]


def _events(schema: SourceSchema, same: Same) -> Table:
    names = [
        "id",
        "project_id",
        "category",
        "actor_id",
        "date",
        "patch_id",
        "series_id",
        "cover_id",
        "previous_state_id",
        "current_state_id",
        "previous_delegate_id",
        "current_delegate_id",
        "created_check_id",
    ]
    if schema.has(Feature.RELATIONS):
        names += ["previous_relation_id", "current_relation_id"]
    if schema.has(Feature.COMMENT_EVENTS):
        names += ["patch_comment_id", "cover_comment_id"]
    return Table("events", Event, "patchwork_event t", "t.id", same(*names))


def column_defaults(table: Table) -> dict[str, Any]:
    """Values of the target columns no source expression names.

    Raises ``LookupError`` for a column that has neither a source nor a
    default: the mapping above needs a line for it.
    """
    defaults: dict[str, Any] = {}
    for target in table.model._meta.concrete_fields:
        column = str(target.column)
        if column in table.columns:
            continue
        if target.has_default():
            defaults[column] = target.get_default()
        elif target.null:
            defaults[column] = None
        else:
            raise LookupError(
                f"{table.db_table}.{column} has no source column and no "
                "default: add it to apps/importer/tables.py"
            )
    return defaults
