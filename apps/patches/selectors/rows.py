"""Patch lists as the web shows them: one page of rows, read as plain values."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from apps.checks.models import Check
from apps.patches import fixed_sql
from apps.patches.models import Patch, Series, Tag
from apps.people.models import User
from apps.projects.models import Project


@dataclass(slots=True)
class RowPerson:
    """The submitter as a list row needs it (``user_id`` for the edit rule)."""

    pk: int
    name: str | None
    email: str
    user_id: int | None


@dataclass(slots=True)
class PatchRow:
    """One patch as a list shows it, read as plain values (no model objects).

    Carries what ``apps.patches.rules.can_edit_patch`` reads (``submitter``,
    ``delegate_id``, ``project_id``) besides the shown columns.
    """

    pk: int
    msgid: str
    name: str
    date: dt.datetime
    archived: bool
    project_id: int
    linkname: str
    state_name: str
    state_slug: str
    submitter: RowPerson
    delegate_id: int | None
    delegate_username: str | None
    series_id: int | None
    series_name: str | None
    # Orders states in a summary (the series page counts its rows' states).
    state_ordering: int = 0
    checks_success: int = 0
    checks_warning: int = 0
    checks_fail: int = 0
    tag_counts: list = field(default_factory=list)

    @property
    def series_label(self) -> str:
        return self.series_name or f"Untitled series #{self.series_id}"


# PatchRow field -> column read (the submitter's are read apart).
_ROW_COLUMNS = {
    "pk": "pk",
    "msgid": "msgid",
    "name": "name",
    "date": "date",
    "archived": "archived",
    "project_id": "project_id",
    "linkname": "project__linkname",
    "state_name": "state__name",
    "state_slug": "state__slug",
    "state_ordering": "state__ordering",
    "delegate_id": "delegate_id",
    "delegate_username": "delegate__username",
    "series_id": "series_id",
    "series_name": "series_name",
}
_SUBMITTER_COLUMNS = (
    "submitter_id",
    "submitter__name",
    "submitter__email",
    "submitter__user_id",
)


def _page_rows(page: QuerySet[Patch]) -> list[PatchRow]:
    # The series name comes from a per-row subquery: joining the series
    # table made the planner hash all series, which grows with the archive.
    series_name = Series.objects.filter(pk=OuterRef("series_id")).values("name")[:1]
    return _built(page.annotate(series_name=Subquery(series_name)))


def _built(page: QuerySet[Patch], **constant) -> list[PatchRow]:
    """Return the rows of ``page``; ``constant`` gives fields not read."""
    columns = {k: v for k, v in _ROW_COLUMNS.items() if k not in constant}
    values = page.values(*columns.values(), *_SUBMITTER_COLUMNS)
    return [
        PatchRow(
            submitter=RowPerson(*(row[column] for column in _SUBMITTER_COLUMNS)),
            **{field: row[column] for field, column in columns.items()},
            **constant,
        )
        for row in values
    ]


_CHECK_COLUMNS = {
    Check.State.SUCCESS: "checks_success",
    Check.State.WARNING: "checks_warning",
    Check.State.FAIL: "checks_fail",
}


def patch_list_page(
    patches: QuerySet[Patch], *, order_by: list, page_ids: list[int], tags: list[Tag]
) -> list[PatchRow]:
    """Return the rows ``page_ids`` of ``patches`` as the list shows them.

    Three queries, none for no ids. The paginator picked the ids with a
    narrow query an index answers in order, even for a far page; only those
    rows are read here, as values, with the shown fields of state, submitter, delegate,
    series and project (bodies stay unloaded). Two more queries count, per
    row, the newest check of each (user, context) by state
    (``checks_success``, ``checks_warning``, ``checks_fail``) and each tag
    (``tag_counts``: (tag, count) in column order).
    """
    if not page_ids:
        return []
    rows = _page_rows(patches.filter(pk__in=page_ids).order_by(*order_by))
    return _with_counts(rows, tags)


def _with_counts(rows: list[PatchRow], tags: list[Tag]) -> list[PatchRow]:
    """Give ``rows`` their check and tag counts (two queries; none for no rows)."""
    if not rows:
        return []
    ids = [row.pk for row in rows]
    checks = fixed_sql.check_counts(ids)
    tag_counts = fixed_sql.tag_counts(ids) if tags else {}
    for row in rows:
        for state, column in _CHECK_COLUMNS.items():
            setattr(row, column, checks.get((row.pk, state), 0))
        row.tag_counts = [(tag, tag_counts.get((row.pk, tag.pk), 0)) for tag in tags]
    return rows


def series_member_rows(series: Series, *, size: int, tags: list[Tag]) -> list[PatchRow]:
    """Return the first ``size`` patches of ``series`` in series order, as rows.

    As ``patch_list_page`` without a paginator's ids (one series' patches are
    found by its index directly) or the per-row series name (it is the
    series'): three queries.
    """
    page = Patch.objects.filter(series=series).order_by("number", "date", "id")
    return _with_counts(_built(page[:size], series_name=series.name), tags)


def project_patches(project: Project) -> QuerySet[Patch]:
    return Patch.objects.filter(project=project)


def todo_patches(user: User, project: Project | None = None) -> QuerySet[Patch]:
    """Patches delegated to ``user`` that are unarchived and need action."""
    patches = Patch.objects.filter(
        delegate=user, archived=False, state__action_required=True
    )
    if project is not None:
        patches = patches.filter(project=project)
    return patches
