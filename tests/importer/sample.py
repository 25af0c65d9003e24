"""A small upstream instance holding every kind of row, odd ones included.

``source_rows(release)`` lays it out in that release's tables;
``expected_rows(release)`` says what patchserver must hold after importing
it, column by column. Odd rows: a user without a profile and without a
person, a page size of 0, an address that differs from another only in
case (merged), a series without a project or name, a patch without series
or state, a pull request without a diff, a private bundle, a check without
description or URL, a comment without content, an event of each category.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher

# Naive UTC, as upstream stores it.
T0 = dt.datetime(2020, 3, 29, 1, 30, 0)  # noqa: DTZ001

OLD_PASSWORD = "correct horse battery"
BOB_HASH = PBKDF2PasswordHasher().encode(OLD_PASSWORD, "oldsaltvalue", iterations=1000)
BOB_TOKEN = "0123456789abcdef0123456789abcdef01234567"
DIFF = "--- a/drivers/foo.c\n+++ b/drivers/foo.c\n@@ -1 +1 @@\n-old\n+new\n"
HEADERS = "Subject: [PATCH] one\nFrom: Bob <bob@example.org>\nX-Folded: a\n\tb"


def at(minutes: int, micro: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes, microseconds=micro)


Row = dict[str, Any]

USERS: list[Row] = [
    {
        "id": 3,
        "username": "alice",
        "password": "!unusable",
        "is_superuser": True,
        "is_staff": True,
        "is_active": True,
        "first_name": "Alice",
        "last_name": "Ädmin",
        "email": "alice@example.org",
        "last_login": at(1),
        "date_joined": at(0),
        "profile": {
            "id": 30,
            "items_per_page": 50,
            "show_ids": True,
            "send_email": True,
        },
    },
    {
        "id": 5,
        "username": "bob",
        "password": BOB_HASH,
        "is_superuser": False,
        "is_staff": False,
        "is_active": True,
        "first_name": "Bob",
        "last_name": "",
        "email": "bob@example.org",
        "last_login": None,
        "date_joined": at(2, 500),
        "profile": {
            "id": 31,
            "items_per_page": 20,
            "show_ids": False,
            "send_email": False,
        },
    },
    {
        "id": 8,
        "username": "carol",
        "password": "!x",
        "is_superuser": False,
        "is_staff": False,
        "is_active": False,
        "first_name": "",
        "last_name": "",
        "email": "carol@example.org",
        "last_login": None,
        "date_joined": at(3),
        "profile": None,
    },
    {
        "id": 9,
        "username": "dave",
        "password": "!y",
        "is_superuser": False,
        "is_staff": True,
        "is_active": True,
        "first_name": "",
        "last_name": "D",
        "email": "",
        "last_login": at(4),
        "date_joined": at(4),
        "profile": {
            "id": 32,
            "items_per_page": 0,
            "show_ids": True,
            "send_email": False,
        },
    },
]
TOKENS = [{"key": BOB_TOKEN, "created": at(5), "user_id": 5}]
PEOPLE = [
    {"id": 11, "email": "alice@example.org", "name": "Alice Ädmin", "user_id": 3},
    {"id": 12, "email": "bob@example.org", "name": "Bob", "user_id": 5},
    {"id": 13, "email": "ext@example.org", "name": None, "user_id": None},
    {"id": 14, "email": "Ext@Example.org", "name": "Ext", "user_id": None},
]
MERGED_PEOPLE = {14: 13}
PROJECTS = [
    {
        "id": 21,
        "linkname": "linux-foo",
        "name": "Linux Foo",
        "listid": "foo.lists.example.org",
        "listemail": "foo@lists.example.org",
        "subject_match": "",
        "web_url": "https://foo.example.org/",
        "scm_url": "git://git.example.org/foo.git",
        "webscm_url": "https://git.example.org/foo",
        "list_archive_url": "https://lore.example.org/foo/",
        "list_archive_url_format": "https://lore.example.org/r/{}",
        "commit_url_format": "https://git.example.org/foo/c/{}",
        "send_notifications": True,
        "use_tags": True,
        "show_dependencies": True,
    },
    {
        "id": 25,
        "linkname": "bar",
        "name": "Bar",
        "listid": "foo.lists.example.org",
        "listemail": "foo@lists.example.org",
        "subject_match": r"\[bar\]",
        "web_url": "",
        "scm_url": "",
        "webscm_url": "",
        "list_archive_url": "",
        "list_archive_url_format": "",
        "commit_url_format": "",
        "send_notifications": False,
        "use_tags": False,
        "show_dependencies": False,
    },
]
MAINTAINERS = [{"id": 41, "userprofile_id": 31, "project_id": 21}]
PROFILE_USERS = {30: 3, 31: 5, 32: 9}
STATES = [
    {"id": 1, "name": "New", "slug": "new", "ordering": 0, "action_required": True},
    {
        "id": 2,
        "name": "Accepted",
        "slug": "accepted",
        "ordering": 1,
        "action_required": False,
    },
    {
        "id": 7,
        "name": "Needs ACK",
        "slug": "needs-acks",
        "ordering": 5,
        "action_required": True,
    },
]
TAGS = [
    {
        "id": 1,
        "name": "Acked-by",
        "pattern": "^Acked-by:",
        "abbrev": "A",
        "show_column": True,
    },
    {
        "id": 4,
        "name": "Fixes",
        "pattern": "^Fixes:",
        "abbrev": "F",
        "show_column": False,
    },
]
RULES = [{"id": 2, "path": "drivers/*", "priority": 5, "project_id": 21, "user_id": 5}]
RELATIONS = [{"id": 61}]
COVERS = [
    {
        "id": 1000,
        "msgid": "<cover@example.org>",
        "date": at(10, 123456),
        "headers": "Subject: [PATCH v2 0/2] Cover",
        "content": "The cover.",
        "submitter_id": 12,
        "name": "[v2,0/2] Cover",
        "project_id": 21,
    },
]
SERIES = [
    {
        "id": 71,
        "name": "Cover",
        "date": at(10),
        "version": 2,
        "total": 2,
        "project_id": 21,
        "submitter_id": 12,
        "cover_letter_id": 1000,
    },
    {
        "id": 72,
        "name": None,
        "date": at(20),
        "version": 1,
        "total": 1,
        "project_id": None,
        "submitter_id": 14,
        "cover_letter_id": None,
    },
]
REFERENCES = [
    {"id": 81, "msgid": "<cover@example.org>", "project_id": 21, "series_id": 71},
    {"id": 82, "msgid": "<p1@example.org>", "project_id": 21, "series_id": 71},
]
DEPENDENCIES = [{"id": 91, "from_series_id": 72, "to_series_id": 71}]
PATCHES = [
    {
        "id": 1001,
        "msgid": "<p1@example.org>",
        "date": at(11),
        "headers": HEADERS,
        "content": "One.\n\nSigned-off-by: Bob <bob@example.org>",
        "submitter_id": 12,
        "name": "[v2,1/2] one",
        "project_id": 21,
        "diff": DIFF,
        "commit_ref": None,
        "pull_url": None,
        "archived": False,
        "hash": "a" * 40,
        "number": 1,
        "delegate_id": 5,
        "series_id": 71,
        "state_id": 7,
        "related_id": 61,
    },
    {
        "id": 1002,
        "msgid": "<p2@example.org>",
        "date": at(12),
        "headers": "",
        "content": "Two.",
        "submitter_id": 12,
        "name": "[v2,2/2] two",
        "project_id": 21,
        "diff": DIFF,
        "commit_ref": "abc123",
        "pull_url": None,
        "archived": True,
        "hash": "b" * 40,
        "number": 2,
        "delegate_id": None,
        "series_id": 71,
        "state_id": 2,
        "related_id": 61,
    },
    {
        "id": 1005,
        "msgid": "<lone@example.org>",
        "date": at(13),
        "headers": "Subject: Grüße",
        "content": "Grüße ✓ — no series, no state",
        "submitter_id": 11,
        "name": "lone",
        "project_id": 21,
        "diff": DIFF,
        "commit_ref": None,
        "pull_url": None,
        "archived": False,
        "hash": "c" * 40,
        "number": None,
        "delegate_id": None,
        "series_id": None,
        "state_id": None,
        "related_id": None,
    },
    {
        "id": 1009,
        "msgid": "<pull@example.org>",
        "date": at(20),
        "headers": "Subject: [GIT PULL] bar",
        "content": "Please pull.",
        "submitter_id": 14,
        "name": "[GIT,PULL] bar",
        "project_id": 25,
        "diff": None,
        "commit_ref": None,
        "pull_url": "git://example.org/bar main",
        "archived": False,
        "hash": None,
        "number": 1,
        "delegate_id": None,
        "series_id": 72,
        "state_id": 1,
        "related_id": None,
    },
]
PATCH_TAGS = [{"id": 101, "count": 2, "patch_id": 1001, "tag_id": 1}]
PATCH_COMMENTS = [
    {
        "id": 2001,
        "msgid": "<r1@example.org>",
        "date": at(14),
        "headers": "X: y",
        "content": "Acked-by: Alice <alice@example.org>",
        "submitter_id": 11,
        "patch_id": 1001,
        "addressed": None,
    },
    {
        "id": 2002,
        "msgid": "<r2@example.org>",
        "date": at(15),
        "headers": "",
        "content": "Please fix.",
        "submitter_id": 14,
        "patch_id": 1001,
        "addressed": False,
    },
    {
        "id": 2003,
        "msgid": "<r3@example.org>",
        "date": at(16),
        "headers": "",
        "content": None,
        "submitter_id": 12,
        "patch_id": 1002,
        "addressed": True,
    },
]
COVER_COMMENTS = [
    {
        "id": 2005,
        "msgid": "<rc@example.org>",
        "date": at(17),
        "headers": "",
        "content": "On the cover.",
        "submitter_id": 13,
        "cover_id": 1000,
        "addressed": False,
    },
]
CHECKS = [
    {
        "id": 301,
        "date": at(18),
        "state": 3,
        "target_url": "https://ci.example.org/1",
        "description": "build failed",
        "context": "build",
        "user_id": 5,
        "patch_id": 1001,
    },
    {
        "id": 302,
        "date": at(19),
        "state": 0,
        "target_url": None,
        "description": None,
        "context": "default",
        "user_id": 3,
        "patch_id": 1001,
    },
]
BUNDLES = [
    {"id": 401, "name": "review", "public": True, "owner_id": 5, "project_id": 21},
    {"id": 402, "name": "secret", "public": False, "owner_id": 3, "project_id": 21},
]
BUNDLE_PATCHES = [
    {"id": 501, "order": 2, "bundle_id": 401, "patch_id": 1001},
    {"id": 502, "order": 1, "bundle_id": 401, "patch_id": 1002},
    {"id": 503, "order": 1, "bundle_id": 402, "patch_id": 1005},
]
EVENT_COLUMNS = (
    "actor_id",
    "created_check_id",
    "current_delegate_id",
    "current_state_id",
    "previous_delegate_id",
    "previous_state_id",
    "series_id",
    "cover_id",
    "patch_id",
    "previous_relation_id",
    "current_relation_id",
    "cover_comment_id",
    "patch_comment_id",
)
EVENTS_2_2 = [
    (601, "cover-created", {"cover_id": 1000}),
    (602, "patch-created", {"patch_id": 1001}),
    (603, "patch-completed", {"patch_id": 1001, "series_id": 71}),
    (
        604,
        "patch-state-changed",
        {
            "patch_id": 1001,
            "previous_state_id": 1,
            "current_state_id": 7,
            "actor_id": 5,
        },
    ),
    (
        605,
        "patch-delegated",
        {"patch_id": 1001, "current_delegate_id": 5, "actor_id": 3},
    ),
    (606, "check-created", {"patch_id": 1001, "created_check_id": 301, "actor_id": 5}),
    (607, "series-created", {"series_id": 71}),
    (608, "series-completed", {"series_id": 71}),
]
EVENTS_MAIN = [
    *EVENTS_2_2,
    (
        609,
        "patch-relation-changed",
        {"patch_id": 1001, "current_relation_id": 61, "actor_id": 5},
    ),
    (610, "patch-comment-created", {"patch_id": 1001, "patch_comment_id": 2001}),
    (611, "cover-comment-created", {"cover_id": 1000, "cover_comment_id": 2005}),
]
OPTOUTS = [{"email": "nomail@example.org"}]
NOTIFICATIONS = [{"patch_id": 1002, "last_modified": at(30), "orig_state_id": 1}]

SUBMISSION_KEYS = (
    "id",
    "msgid",
    "date",
    "headers",
    "content",
    "submitter_id",
    "name",
    "project_id",
)


def _events(release: str) -> list[Row]:
    rows = []
    for event_id, category, values in EVENTS_2_2 if release == "2.2" else EVENTS_MAIN:
        row = dict.fromkeys(EVENT_COLUMNS)
        row.update(values)
        row.update(
            id=event_id, category=category, project_id=21, date=at(event_id - 590)
        )
        rows.append(row)
    return rows


def _pick(rows: list[Row], keys: tuple[str, ...] | list[str]) -> list[Row]:
    return [{key: row[key] for key in keys} for row in rows]


def _tables(release: str) -> dict[str, list[Row]]:
    """Rows per upstream table of ``release``, with every key they may need."""
    user_keys = [key for key in USERS[0] if key != "profile"]
    profiles = [{**u["profile"], "user_id": u["id"]} for u in USERS if u["profile"]]
    tables = {
        "auth_user": [{key: user[key] for key in user_keys} for user in USERS],
        "patchwork_userprofile": profiles,
        "authtoken_token": TOKENS,
        "patchwork_person": PEOPLE,
        "patchwork_project": PROJECTS,
        "patchwork_userprofile_maintainer_projects": MAINTAINERS,
        "patchwork_state": STATES,
        "patchwork_tag": TAGS,
        "patchwork_delegationrule": RULES,
        "patchwork_series": SERIES,
        "patchwork_seriesreference": REFERENCES,
        "patchwork_patchtag": PATCH_TAGS,
        "patchwork_check": CHECKS,
        "patchwork_bundle": BUNDLES,
        "patchwork_bundlepatch": BUNDLE_PATCHES,
        "patchwork_event": _events(release),
        "patchwork_emailoptout": OPTOUTS,
        "patchwork_patchchangenotification": NOTIFICATIONS,
    }
    if release != "2.2":
        return tables | {
            "patchwork_patchrelation": RELATIONS,
            "patchwork_cover": COVERS,
            "patchwork_patch": PATCHES,
            "patchwork_patchcomment": PATCH_COMMENTS,
            "patchwork_covercomment": COVER_COMMENTS,
            "patchwork_series_dependencies": DEPENDENCIES,
        }
    # Up to 3.0: submissions with a child row per patch or cover letter.
    return tables | {
        "patchwork_submission": COVERS + PATCHES,
        "patchwork_coverletter": [{"submission_ptr_id": c["id"]} for c in COVERS],
        "patchwork_patch": [
            {**p, "submission_ptr_id": p["id"], "patch_project_id": p["project_id"]}
            for p in PATCHES
        ],
        "patchwork_comment": [
            {**c, "submission_id": c.get("patch_id") or c["cover_id"]}
            for c in PATCH_COMMENTS + COVER_COMMENTS
        ],
    }


def source_rows(release: str, columns) -> dict[str, list[Row]]:
    """Rows per upstream table; ``columns(release, table)`` names its columns."""
    return {
        table: _pick(rows, columns(release, table))
        for table, rows in _tables(release).items()
    }


def _aware(row: Row) -> Row:
    return {
        key: value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) else value
        for key, value in row.items()
    }


def _person(person_id: int | None) -> int | None:
    return MERGED_PEOPLE.get(person_id, person_id) if person_id else person_id


def _expected_users() -> list[Row]:
    users = []
    for user in USERS:
        profile = user["profile"] or {}
        row = {key: value for key, value in user.items() if key != "profile"}
        row["items_per_page"] = profile.get("items_per_page") or 100
        row["show_ids"] = profile.get("show_ids", False)
        row["send_email"] = profile.get("send_email", False)
        users.append(row)
    return users


def _expected_comments(rows: list[Row], release: str) -> list[Row]:
    return [
        {
            **c,
            "submitter_id": _person(c["submitter_id"]),
            "addressed": None if release == "2.2" else c["addressed"],
        }
        for c in rows
    ]


def expected_rows(release: str) -> dict[str, list[Row]]:
    """Target rows per model label, as ``Model.objects.values()`` gives them."""
    old = release == "2.2"
    users = _expected_users()
    projects = [
        {**p, "show_dependencies": False if old else p["show_dependencies"]}
        for p in PROJECTS
    ]
    series = [
        {
            **s,
            "submitter_id": _person(s["submitter_id"]),
            "project_id": s["project_id"] or 25,
        }
        for s in SERIES
    ]
    patches = [
        {
            **p,
            "submitter_id": _person(p["submitter_id"]),
            "state_id": p["state_id"] or 1,
            "related_id": None if old else p["related_id"],
        }
        for p in PATCHES
    ]

    events = _events(release)
    expected = {
        "people.User": users,
        "authtoken.Token": TOKENS,
        "people.Person": [p for p in PEOPLE if p["id"] not in MERGED_PEOPLE],
        "projects.Project": projects,
        "projects.Project_maintainers": [
            {
                "id": m["id"],
                "project_id": m["project_id"],
                "user_id": PROFILE_USERS[m["userprofile_id"]],
            }
            for m in MAINTAINERS
        ],
        "patches.State": STATES,
        "patches.Tag": TAGS,
        "projects.DelegationRule": RULES,
        "patches.PatchRelation": [] if old else RELATIONS,
        "patches.Cover": [
            {**c, "submitter_id": _person(c["submitter_id"])} for c in COVERS
        ],
        "patches.Series": series,
        "patches.SeriesReference": REFERENCES,
        "patches.Series_dependencies": [] if old else DEPENDENCIES,
        "patches.Patch": patches,
        "patches.PatchTag": PATCH_TAGS,
        "patches.PatchComment": _expected_comments(PATCH_COMMENTS, release),
        "patches.CoverComment": _expected_comments(COVER_COMMENTS, release),
        "checks.Check": CHECKS,
        "bundles.Bundle": BUNDLES,
        "bundles.BundlePatch": BUNDLE_PATCHES,
        "events.Event": events,
        "notifications.EmailOptout": OPTOUTS,
        "notifications.PatchChangeNotification": NOTIFICATIONS,
    }
    return {label: [_aware(row) for row in rows] for label, rows in expected.items()}
