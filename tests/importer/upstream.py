"""Upstream Patchwork's tables at two releases, built by the tests themselves.

Written from upstream's migrations (2.2: ``0039_unique_series_references``;
main: ``0048_series_dependencies``), limited to the tables and columns an
import reads, plus ``django_migrations``. Each column is ``name type``:
``id`` (auto-increment key), ``key:N`` (text primary key), ``int``,
``small``, ``bool``, ``dt``, ``text``, ``str:N``; a trailing ``?`` allows NULL.
"""

from tests.importer.migrations import MIGRATIONS_2_2, MIGRATIONS_MAIN

MAIL = "msgid str:255, date dt, headers text, content text?, submitter_id int"
SUBMISSION = f"{MAIL}, name str:255, project_id int"

COMMON = {
    "django_migrations": "id id, app str:255, name str:255, applied dt",
    "auth_user": (
        "id id, password str:128, last_login dt?, is_superuser bool, "
        "username str:150, first_name str:150, last_name str:150, email str:254, "
        "is_staff bool, is_active bool, date_joined dt"
    ),
    "authtoken_token": "key key:40, created dt, user_id int",
    "patchwork_person": "id id, email str:255, name str:255?, user_id int?",
    "patchwork_userprofile": (
        "id id, user_id int, send_email bool, items_per_page int, show_ids bool"
    ),
    "patchwork_userprofile_maintainer_projects": (
        "id id, userprofile_id int, project_id int"
    ),
    "patchwork_state": (
        "id id, name str:100, slug str:100, ordering int, action_required bool"
    ),
    "patchwork_tag": (
        "id id, name str:20, pattern str:50, abbrev str:2, show_column bool"
    ),
    "patchwork_delegationrule": (
        "id id, path str:255, priority int, project_id int, user_id int"
    ),
    "patchwork_series": (
        "id id, name str:255?, date dt, version int, total int, project_id int?, "
        "submitter_id int, cover_letter_id int?"
    ),
    "patchwork_seriesreference": (
        "id id, msgid str:255, project_id int, series_id int"
    ),
    "patchwork_patchtag": "id id, count int, patch_id int, tag_id int",
    "patchwork_check": (
        "id id, date dt, state small, target_url str:200?, description text?, "
        "context str:255, user_id int, patch_id int"
    ),
    "patchwork_bundle": (
        "id id, name str:50, public bool, owner_id int, project_id int"
    ),
    "patchwork_bundlepatch": "id id, order int, bundle_id int, patch_id int",
    "patchwork_emailoptout": "email key:200",
    "patchwork_patchchangenotification": (
        "patch_id int, last_modified dt, orig_state_id int"
    ),
}

PROJECT = (
    "id id, linkname str:255, name str:255, listid str:255, listemail str:200, "
    "subject_match str:64, web_url str:2000, scm_url str:2000, "
    "webscm_url str:2000, list_archive_url str:2000, "
    "list_archive_url_format str:2000, commit_url_format str:2000, "
    "send_notifications bool, use_tags bool"
)
EVENT = (
    "id id, category str:25, date dt, actor_id int?, created_check_id int?, "
    "current_delegate_id int?, current_state_id int?, previous_delegate_id int?, "
    "previous_state_id int?, project_id int, series_id int?, cover_id int?, "
    "patch_id int?"
)
PATCH_FIELDS = (
    "diff text?, commit_ref str:255?, pull_url str:255?, archived bool, "
    "hash str:40?, number small?, delegate_id int?, series_id int?, state_id int?"
)

RELEASES = {
    "2.2": {
        **COMMON,
        "patchwork_project": PROJECT,
        "patchwork_submission": f"id id, {SUBMISSION}",
        "patchwork_coverletter": "submission_ptr_id int",
        "patchwork_patch": (
            f"submission_ptr_id int, {PATCH_FIELDS}, patch_project_id int"
        ),
        "patchwork_comment": f"id id, {MAIL}, submission_id int",
        "patchwork_event": EVENT,
    },
    "main": {
        **COMMON,
        "patchwork_project": f"{PROJECT}, show_dependencies bool",
        "patchwork_patchrelation": "id id",
        "patchwork_cover": f"id id, {SUBMISSION}",
        "patchwork_patch": f"id id, {SUBMISSION}, {PATCH_FIELDS}, related_id int?",
        "patchwork_patchcomment": f"id id, {MAIL}, patch_id int, addressed bool?",
        "patchwork_covercomment": f"id id, {MAIL}, cover_id int, addressed bool?",
        "patchwork_series_dependencies": (
            "id id, from_series_id int, to_series_id int"
        ),
        "patchwork_event": (
            f"{EVENT}, previous_relation_id int?, current_relation_id int?, "
            "cover_comment_id int?, patch_comment_id int?"
        ),
    },
}

MIGRATIONS = {"2.2": MIGRATIONS_2_2, "main": MIGRATIONS_MAIN}

# Primary keys that are not an ``id`` column.
OTHER_KEYS = {
    "patchwork_coverletter": "submission_ptr_id",
    "patchwork_patch": "submission_ptr_id",
    "patchwork_patchchangenotification": "patch_id",
}

TYPES = {
    "postgresql": {
        "id": "serial PRIMARY KEY",
        "int": "integer",
        "small": "smallint",
        "bool": "boolean",
        "dt": "timestamp with time zone",
        "text": "text",
        "str": "varchar({})",
        "key": "varchar({}) PRIMARY KEY",
    },
    "mysql": {
        "id": "integer AUTO_INCREMENT PRIMARY KEY",
        "int": "integer",
        "small": "smallint",
        "bool": "bool",
        "dt": "datetime(6)",
        "text": "longtext",
        "str": "varchar({})",
        "key": "varchar({}) PRIMARY KEY",
    },
}


def columns(release: str, table: str) -> list[str]:
    return [item.split()[0] for item in RELEASES[release][table].split(", ")]


def ddl(release: str, vendor: str, quote) -> list[str]:
    """CREATE TABLE statements of ``release`` for ``vendor``."""
    statements = []
    for table, spec in RELEASES[release].items():
        parts = []
        for item in spec.split(", "):
            name, kind = item.split()
            nullable = kind.endswith("?")
            kind, _, size = kind.rstrip("?").partition(":")
            sql = TYPES[vendor][kind].format(size)
            if kind not in ("id", "key") and not nullable:
                sql += " NOT NULL"
            if OTHER_KEYS.get(table) == name:
                sql += " PRIMARY KEY"
            parts.append(f"{quote(name)} {sql}")
        suffix = " DEFAULT CHARSET=utf8mb4" if vendor == "mysql" else ""
        statements.append(f"CREATE TABLE {table} ({', '.join(parts)}){suffix}")
    return statements
