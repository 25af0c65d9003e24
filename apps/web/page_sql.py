"""The patch and cover pages' reads, written out as fixed SQL.

These pages are the most visited after the list, and one of them runs four
reads; building each with the ORM took four times as long as running it
(``apps.patches.fixed_sql``). The results are the instances and related
objects the ORM's ``select_related`` would give, so templates and the
permission rules read them as usual.
"""

from apps.checks.models import Check
from apps.patches.fixed_sql import Columns, RowReader, attach, fetch, select_list
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    Series,
    State,
)
from apps.people.models import Person, User
from apps.projects.models import Project

_PATCH = Columns(Patch, "p")
_PROJECT = Columns(Project, "pr")
_STATE = Columns(State, "st")
_SUBMITTER = Columns(Person, "sub")
_DELEGATE = Columns(User, "dg")
_SERIES = Columns(Series, "se")
_SERIES_COVER = Columns(Cover, "co", exclude=("content", "headers"))

_PATCH_PARTS = (_PATCH, _PROJECT, _STATE, _SUBMITTER, _DELEGATE, _SERIES, _SERIES_COVER)
_PATCH_SQL = f"""
    SELECT {select_list(*_PATCH_PARTS)}
    FROM {_PATCH.table()}
    {_PROJECT.join(_PATCH, "project")}
    {_STATE.join(_PATCH, "state")}
    {_SUBMITTER.join(_PATCH, "submitter")}
    {_DELEGATE.join(_PATCH, "delegate", outer=True)}
    {_SERIES.join(_PATCH, "series", outer=True)}
    {_SERIES_COVER.join(_SERIES, "cover_letter", outer=True)}
    WHERE {_PROJECT.column("linkname")} = %s AND {_PATCH.column("msgid")} = %s
"""  # noqa: S608 - only names of the models are interpolated


def patch_detail(linkname: str, msgid: str) -> Patch | None:
    """Return the patch with its project, state, people, series and cover, or None."""
    rows = fetch(_PATCH_SQL, [linkname, msgid])
    if not rows:
        return None
    read = RowReader(rows[0])
    patch = read.required(_PATCH)
    attach(patch, "project", read.required(_PROJECT))
    attach(patch, "state", read.required(_STATE))
    attach(patch, "submitter", read.required(_SUBMITTER))
    attach(patch, "delegate", read.optional(_DELEGATE))
    series = read.optional(_SERIES)
    attach(patch, "series", series)
    cover = read.optional(_SERIES_COVER)
    if series is not None:
        attach(series, "cover_letter", cover)
    return patch


def _comments_sql(
    model: type[PatchComment | CoverComment], parent: str
) -> tuple[str, Columns[PatchComment | CoverComment], Columns[Person]]:
    comment = Columns(model, "c")
    submitter = Columns(Person, "sub")
    sql = f"""
        SELECT {select_list(comment, submitter)}
        FROM {comment.table()}
        {submitter.join(comment, "submitter")}
        WHERE {comment.column(parent)} = %s
        ORDER BY {comment.column("date")}, {comment.column("id")}
    """  # noqa: S608
    return sql, comment, submitter


_COMMENTS = {
    Patch: ("patch", _comments_sql(PatchComment, "patch")),
    Cover: ("cover", _comments_sql(CoverComment, "cover")),
}


def comments(submission: Patch | Cover) -> list[PatchComment | CoverComment]:
    """Return the comments on a patch or cover letter, oldest first, with authors."""
    parent, (sql, comment_part, submitter_part) = _COMMENTS[type(submission)]
    found: list[PatchComment | CoverComment] = []
    for row in fetch(sql, [submission.pk]):
        read = RowReader(row)
        comment = read.required(comment_part)
        attach(comment, "submitter", read.required(submitter_part))
        attach(comment, parent, submission)
        found.append(comment)
    return found


_CHECK = Columns(Check, "c")
_CHECK_USER = Columns(User, "u", only=("username",))
_CHECKS_SQL = f"""
    SELECT {select_list(_CHECK, _CHECK_USER)}
    FROM {_CHECK.table()}
    {_CHECK_USER.join(_CHECK, "user")}
    WHERE {_CHECK.column("patch")} = %s
    ORDER BY {_CHECK_USER.column("username")}, {_CHECK.column("user")},
        {_CHECK.column("context")}, {_CHECK.column("date")} DESC,
        {_CHECK.column("id")} DESC
"""  # noqa: S608


def patch_checks(patch: Patch) -> list[Check]:
    """Return the newest check per (user, context), by user then context.

    A patch has few checks, so they are read in order and the older ones
    of each (user, context) skipped here (the newest is the latest date,
    then the latest id); the anti-join costs more to build.
    """
    newest = []
    seen = set()
    for row in fetch(_CHECKS_SQL, [patch.pk]):
        read = RowReader(row)
        check = read.required(_CHECK)
        key = (check.user_id, check.context)
        if key not in seen:
            seen.add(key)
            attach(check, "user", read.required(_CHECK_USER))
            newest.append(check)
    return newest


_MEMBER = Columns(Patch, "p", only=("name", "msgid", "number", "date", "project"))
_MEMBERS_SQL = f"""
    SELECT {_MEMBER.sql} FROM {_MEMBER.table()}
    WHERE {_MEMBER.column("series")} = %s
    ORDER BY {_MEMBER.column("number")}, {_MEMBER.column("date")},
        {_MEMBER.column("id")}
"""  # noqa: S608


def series_patches(series_id: int, project: Project) -> list[Patch]:
    """Return a series' patches in series order (names and links only).

    ``project`` is the series' project, which its patches share.
    """
    members = []
    for row in fetch(_MEMBERS_SQL, [series_id]):
        member = _MEMBER.build(row)
        assert member is not None  # a row read by its primary key
        if member.project_id == project.pk:
            attach(member, "project", project)
        members.append(member)
    return members
