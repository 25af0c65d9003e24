"""Every hand-written SQL read of the project, each with the gain that pays for it.

Django builds a query in Python each time it runs one; for an indexed lookup
that costs more than the database takes to answer. The reads below are run
for every mail ingested or every list or patch page shown, and are written
out once instead. Everything else goes through the ORM. The SQL is plain and
standard: SQLite and PostgreSQL run the same text. Results are the model
instances the ORM would give (``apps.patches.sql_rows``), so callers do not
know the difference.

Each use is kept because its gain is measurable: the time per call of the
read built with the ORM against the statement below, on a 10 000-mail
archive (PostgreSQL, DEBUG off, prepared statements on; the 10th percentile
of 300 calls, on a busy two-core machine, so only the ratios carry over):

===============================================  ========  ==========
read (caller)                                    ORM (ms)  fixed (ms)
===============================================  ========  ==========
``patch_page``: patch and six relations (page)      12.6        0.56
``comments`` of a patch (patch and cover page)       4.9        0.79
``patch_checks``: newest per user/context (page)     9.1        0.32
``series_members`` (patch and cover page)            1.8        0.12
``check_counts`` of 100 patches (list page)          6.5        1.0
``tag_counts`` of 100 patches (list page)            8.4        2.7
``check_state_sql`` on 100 patches (API list)       41.7        8.9
``msgid_taken`` (every mail)                         1.3        0.05
``by_msgids`` (every reply)                          4.6        0.23
``comment_parents`` (every reply)                    9.0        0.05
``series_by_references`` (every patch)               7.9        0.22
``series_numbers`` (every series patch)              2.5        0.05
===============================================  ========  ==========

The rule "per (patch, user, context) only the newest check counts, the
later id winning on equal dates" is written once, in ``_NEWEST_CHECK``.
"""

from collections.abc import Sequence

from django.db.models import BooleanField, IntegerField, Model
from django.db.models.expressions import RawSQL

from apps.checks.models import Check
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchTag,
    Series,
    SeriesReference,
    State,
)
from apps.patches.sql_rows import (
    Columns,
    RowReader,
    attach,
    fetch,
    from_row,
    quote,
    select_list,
    table,
)
from apps.people.models import Person, User
from apps.projects.models import Project


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


# --- checks: the newest per (patch, user, context) --------------------------

_CHECKS = table(Check)
# True when the check row ``{c}`` has no newer check of the same patch, user
# and context (the index check_summary_idx answers it).
_NEWEST_CHECK = f"""NOT EXISTS (
    SELECT 1 FROM {_CHECKS} n
    WHERE n.patch_id = {{c}}.patch_id AND n.user_id = {{c}}.user_id
      AND n.context = {{c}}.context
      AND (n.date > {{c}}.date OR (n.date = {{c}}.date AND n.id > {{c}}.id))
)"""  # noqa: S608 - only table names are interpolated


def newest_check_filter() -> RawSQL:
    """Return the ORM condition keeping only the newest checks of a check query."""
    condition = _NEWEST_CHECK.format(c=_CHECKS)
    return RawSQL(condition, (), output_field=BooleanField())  # noqa: S611


# The aggregate check state: fail beats warning beats pending beats success
# (ranks), reported as a Check.State code; without checks, pending.
_RANK_OF_STATE = {
    Check.State.SUCCESS: 1,
    Check.State.PENDING: 2,
    Check.State.WARNING: 3,
    Check.State.FAIL: 4,
}


def check_state_sql() -> RawSQL:
    """Return the aggregate check state of the outer query's patch row."""
    rank = " ".join(f"WHEN {code} THEN {r}" for code, r in _RANK_OF_STATE.items())
    code = " ".join(f"WHEN {r} THEN {code}" for code, r in _RANK_OF_STATE.items())
    patch_id = f"{table(Patch)}.{quote('id')}"
    sql = f"""COALESCE((
        SELECT CASE MAX(CASE c.state {rank} END) {code} END
        FROM {_CHECKS} c
        WHERE c.patch_id = {patch_id} AND {_NEWEST_CHECK.format(c="c")}
    ), {Check.State.PENDING})"""  # noqa: S608 - table names and constants
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 - no input


_COUNTED_STATES = (Check.State.SUCCESS, Check.State.WARNING, Check.State.FAIL)
_CHECK_COUNTS_SQL = f"""
    SELECT c.patch_id, c.state, COUNT(*) FROM {_CHECKS} c
    WHERE c.patch_id IN ({{ids}}) AND c.state IN (%s, %s, %s)
      AND {_NEWEST_CHECK.format(c="c")}
    GROUP BY c.patch_id, c.state
"""  # noqa: S608


def check_counts(patch_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """Return {(patch id, state): newest checks} for success, warning and fail."""
    sql = _CHECK_COUNTS_SQL.format(ids=_placeholders(patch_ids))
    rows = fetch(sql, [*patch_ids, *_COUNTED_STATES])
    return {(patch_id, state): n for patch_id, state, n in rows}


_CHECK = Columns(Check, "c")
_CHECK_USER = Columns(User, "u", only=("username",))
_PATCH_CHECKS_SQL = f"""
    SELECT {select_list(_CHECK, _CHECK_USER)}
    FROM {_CHECK.table()}
    {_CHECK_USER.join(_CHECK, "user")}
    WHERE {_CHECK.column("patch")} = %s AND {_NEWEST_CHECK.format(c="c")}
    ORDER BY {_CHECK_USER.column("username")}, {_CHECK.column("user")},
        {_CHECK.column("context")}
"""  # noqa: S608


def patch_checks(patch: Patch) -> list[Check]:
    """Return the patch's newest check per (user, context), by user then context."""
    checks = []
    for row in fetch(_PATCH_CHECKS_SQL, [patch.pk]):
        read = RowReader(row)
        check = read.required(_CHECK)
        attach(check, "user", read.required(_CHECK_USER))
        checks.append(check)
    return checks


# --- list pages ---------------------------------------------------------------

_TAG_COUNTS_SQL = f"""
    SELECT t.patch_id, t.tag_id, t.count FROM {table(PatchTag)} t
    WHERE t.patch_id IN ({{ids}})
"""  # noqa: S608


def tag_counts(patch_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """Return {(patch id, tag id): count} of the patches' tags."""
    sql = _TAG_COUNTS_SQL.format(ids=_placeholders(patch_ids))
    return {(patch_id, tag_id): n for patch_id, tag_id, n in fetch(sql, patch_ids)}


# --- patch and cover pages ------------------------------------------------------

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
"""  # noqa: S608


def patch_page(linkname: str, msgid: str) -> Patch | None:
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


_MEMBER = Columns(Patch, "p", only=("name", "msgid", "number", "date", "project"))
_MEMBERS_SQL = f"""
    SELECT {_MEMBER.sql} FROM {_MEMBER.table()}
    WHERE {_MEMBER.column("series")} = %s
    ORDER BY {_MEMBER.column("number")}, {_MEMBER.column("date")},
        {_MEMBER.column("id")}
"""  # noqa: S608


def series_members(series_id: int, project: Project) -> list[Patch]:
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


# --- mail ingest -------------------------------------------------------------------


def msgid_taken(
    model: type[Model], *, parent_column: str, parent_id: int, msgid: str
) -> bool:
    """Return whether ``model`` has a row with ``msgid`` under that parent.

    ``parent_column`` is the column scoping Message-Ids: ``project_id`` for
    patches and covers, ``patch_id`` / ``cover_id`` for comments.
    """
    sql = (
        f"SELECT 1 FROM {table(model)} "  # noqa: S608 - names are fixed
        f"WHERE {quote(parent_column)} = %s AND msgid = %s LIMIT 1"
    )
    return bool(fetch(sql, [parent_id, msgid]))


def by_msgids(model, *, project_id: int, msgids: Sequence[str], columns: Sequence[str]):
    """Return {msgid: instance} of the project's ``model`` rows with those ids."""
    if not msgids:
        return {}
    names = ", ".join(quote(c) for c in columns)
    sql = (
        f"SELECT {names} FROM {table(model)} "  # noqa: S608
        f"WHERE project_id = %s AND msgid IN ({_placeholders(msgids)})"
    )
    instances = (
        from_row(model, columns, row) for row in fetch(sql, [project_id, *msgids])
    )
    return {instance.msgid: instance for instance in instances}


def comment_parents(comment_model, *, parent_column: str, msgids: Sequence[str]):
    """Return (msgid, parent id) of comments with those ids, oldest first."""
    if not msgids:
        return []
    sql = (
        f"SELECT msgid, {quote(parent_column)} "  # noqa: S608
        f"FROM {table(comment_model)} WHERE msgid IN ({_placeholders(msgids)}) "
        "ORDER BY date, id"
    )
    return fetch(sql, list(msgids))


_SERIES_COLUMNS = [field.attname for field in Series._meta.concrete_fields]


def series_by_references(
    *, project_id: int, msgids: Sequence[str]
) -> dict[str, Series]:
    """Return {msgid: series} for the Message-Ids a series of the project claims."""
    if not msgids:
        return {}
    columns = ", ".join(f"s.{quote(c)}" for c in _SERIES_COLUMNS)
    sql = (
        f"SELECT r.msgid, {columns} FROM {table(SeriesReference)} r "  # noqa: S608
        f"JOIN {table(Series)} s ON s.id = r.series_id "
        f"WHERE r.project_id = %s AND r.msgid IN ({_placeholders(msgids)})"
    )
    return {
        row[0]: from_row(Series, _SERIES_COLUMNS, row[1:])
        for row in fetch(sql, [project_id, *msgids])
    }


def series_holds(series: Series, msgid: str) -> bool:
    """Tell whether the mail ``msgid`` is in ``series`` (a patch or its cover)."""
    sql = (
        f"SELECT 1 FROM {table(Patch)} WHERE project_id = %s "  # noqa: S608
        "AND msgid = %s AND series_id = %s UNION ALL "
        f"SELECT 1 FROM {table(Cover)} WHERE id = %s AND msgid = %s"
    )
    params = [series.project_id, msgid, series.pk, series.cover_letter_id, msgid]
    return bool(fetch(sql, params))


def series_numbers(series_id: int) -> dict[int, int]:
    """Return {number: patch id} of the patches linked to the series."""
    sql = f"SELECT number, id FROM {table(Patch)} WHERE series_id = %s"  # noqa: S608
    return dict(fetch(sql, [series_id]))
