"""Reads behind the web pages: one function per page need, with its joins fixed.

Query-count tests pin these (``tests/web/test_query_counts.py``); templates
only touch what the selector loaded.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from apps.bundles.models import Bundle, BundlePatch
from apps.checks.models import Check
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchTag,
    Series,
    State,
    Tag,
)
from apps.people.models import Person, User
from apps.projects.models import Project

# --- projects ----------------------------------------------------------------


def project_list() -> QuerySet[Project]:
    return Project.objects.order_by("linkname")


def project_patch_counts(project: Project) -> tuple[int, int]:
    """Return (non-archived, archived) patch counts of ``project``."""
    counts = Patch.objects.filter(project=project).aggregate(
        active=Count("pk", filter=Q(archived=False)),
        archived=Count("pk", filter=Q(archived=True)),
    )
    return counts["active"], counts["archived"]


def project_maintainers(project: Project) -> list[User]:
    return list(project.maintainers.order_by("username"))


# --- vocabulary -----------------------------------------------------------------


def state_list() -> list[State]:
    return list(State.objects.order_by("ordering"))


def tag_columns() -> list[Tag]:
    """Return the tags shown as list columns, in column order."""
    return list(Tag.objects.filter(show_column=True).order_by("abbrev"))


def delegate_filter_choices() -> list[User]:
    """Return every user who maintains some project, once each."""
    return list(
        User.objects.filter(maintained_projects__isnull=False)
        .distinct()
        .order_by("username")
    )


def project_delegate_choices(project_id: int) -> list[User]:
    """Return the users a patch of the project may be delegated to."""
    return list(
        User.objects.filter(maintained_projects=project_id).order_by("username")
    )


# --- patch lists ------------------------------------------------------------------


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
    checks_success: int = 0
    checks_warning: int = 0
    checks_fail: int = 0
    tag_counts: list = field(default_factory=list)

    @property
    def series_label(self) -> str:
        return self.series_name or f"Untitled series #{self.series_id}"


def _page_rows(page: QuerySet[Patch]) -> list[PatchRow]:
    # The series name comes from a per-row subquery: joining the series
    # table made the planner hash all series, which grows with the archive.
    series_name = Series.objects.filter(pk=OuterRef("series_id")).values("name")[:1]
    values = page.annotate(series_name=Subquery(series_name)).values_list(
        "pk",
        "msgid",
        "name",
        "date",
        "archived",
        "project_id",
        "project__linkname",
        "state__name",
        "state__slug",
        "submitter_id",
        "submitter__name",
        "submitter__email",
        "submitter__user_id",
        "delegate_id",
        "delegate__username",
        "series_id",
        "series_name",
    )
    rows = []
    for (
        pk,
        msgid,
        name,
        date,
        archived,
        project_id,
        linkname,
        state_name,
        state_slug,
        submitter_id,
        submitter_name,
        submitter_email,
        submitter_user_id,
        delegate_id,
        delegate_username,
        series_id,
        series_name,
    ) in values:
        submitter = RowPerson(
            submitter_id, submitter_name, submitter_email, submitter_user_id
        )
        rows.append(
            PatchRow(
                pk=pk,
                msgid=msgid,
                name=name,
                date=date,
                archived=archived,
                project_id=project_id,
                linkname=linkname,
                state_name=state_name,
                state_slug=state_slug,
                submitter=submitter,
                delegate_id=delegate_id,
                delegate_username=delegate_username,
                series_id=series_id,
                series_name=series_name,
            )
        )
    return rows


_CHECK_COLUMNS = {
    Check.State.SUCCESS: "checks_success",
    Check.State.WARNING: "checks_warning",
    Check.State.FAIL: "checks_fail",
}


# Check and tag counts of a page of rows. Plain SQL: built through the ORM,
# the anti-join and the hundred ids cost more to compile than to run, and
# these two queries run on every list page. As for the patch's own check
# summary (apps.patches.querysets): per (patch, user, context) only the
# newest check counts, the later id winning on equal dates.
_CHECK_COUNTS_SQL = """
    SELECT c.patch_id, c.state, COUNT(*)
    FROM {check} c
    WHERE c.patch_id IN ({ids}) AND c.state IN (%s, %s, %s)
      AND NOT EXISTS (
        SELECT 1 FROM {check} n
        WHERE n.patch_id = c.patch_id AND n.user_id = c.user_id
          AND n.context = c.context
          AND (n.date > c.date OR (n.date = c.date AND n.id > c.id))
      )
    GROUP BY c.patch_id, c.state
"""
_TAG_COUNTS_SQL = """
    SELECT t.patch_id, t.tag_id, t.count FROM {patchtag} t
    WHERE t.patch_id IN ({ids})
"""


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _check_counts(patch_ids: list[int]) -> dict[tuple[int, int], int]:
    """Count the newest check per (user, context) by (patch, state)."""
    sql = _CHECK_COUNTS_SQL.format(
        check=Check._meta.db_table, ids=", ".join(["%s"] * len(patch_ids))
    )
    rows = _fetch(sql, [*patch_ids, *_CHECK_COLUMNS])
    return {(patch_id, state): n for patch_id, state, n in rows}


def _tag_counts(patch_ids: list[int]) -> dict[tuple[int, int], int]:
    sql = _TAG_COUNTS_SQL.format(
        patchtag=PatchTag._meta.db_table, ids=", ".join(["%s"] * len(patch_ids))
    )
    return {(patch_id, tag_id): n for patch_id, tag_id, n in _fetch(sql, patch_ids)}


def patch_list_page(
    patches: QuerySet[Patch], *, order_by: list, start: int, size: int, tags: list[Tag]
) -> list[PatchRow]:
    """Return one page of ``patches`` as the list shows them (three queries).

    The page's ids are picked by a narrow subquery an index answers in
    order, even for a far page; only those rows are then read, as values,
    with the shown fields of state, submitter, delegate, series and project
    (bodies stay unloaded). Two more queries count, per row, the newest
    check of each (user, context) by state (``checks_success``,
    ``checks_warning``, ``checks_fail``) and each tag (``tag_counts``:
    (tag, count) in column order).
    """
    # The page's ids, picked by a subquery the database answers from an
    # index; the outer query then joins and reads only those rows.
    page_ids = patches.order_by(*order_by).values("pk")[start : start + size]
    rows = _page_rows(patches.filter(pk__in=page_ids).order_by(*order_by))
    if not rows:
        return []
    ids = [row.pk for row in rows]
    checks = _check_counts(ids)
    tag_counts = _tag_counts(ids) if tags else {}
    for row in rows:
        for state, column in _CHECK_COLUMNS.items():
            setattr(row, column, checks.get((row.pk, state), 0))
        row.tag_counts = [(tag, tag_counts.get((row.pk, tag.pk), 0)) for tag in tags]
    return rows


def project_patches(project: Project) -> QuerySet[Patch]:
    return Patch.objects.filter(project=project)


def bundle_patches(bundle: Bundle) -> QuerySet[Patch]:
    """Return the bundle's patches annotated with their ``bundle_order``."""
    order = BundlePatch.objects.filter(bundle=bundle, patch=OuterRef("pk")).values(
        "order"
    )[:1]
    return Patch.objects.filter(bundlepatch__bundle=bundle).annotate(
        bundle_order=Subquery(order, output_field=IntegerField())
    )


def todo_patches(user: User, project: Project | None = None) -> QuerySet[Patch]:
    """Patches delegated to ``user`` that are unarchived and need action."""
    patches = Patch.objects.filter(
        delegate=user, archived=False, state__action_required=True
    )
    if project is not None:
        patches = patches.filter(project=project)
    return patches


def todo_count(user: User) -> int:
    return todo_patches(user).count()


def todo_projects(user: User) -> list[Project]:
    """Return the projects with todo patches, each annotated ``todo_count``."""
    return list(
        Project.objects.filter(
            patch__delegate=user,
            patch__archived=False,
            patch__state__action_required=True,
        )
        .annotate(todo_count=Count("patch"))
        .order_by("linkname")
    )


def series_get(series_id: int) -> Series | None:
    return Series.objects.filter(pk=series_id).first()


def person_get(person_id: int) -> Person | None:
    return Person.objects.filter(pk=person_id).first()


# --- patch and cover pages ------------------------------------------------------


def cover_detail(linkname: str, msgid: str) -> Cover | None:
    """Return the cover letter with project, series and comments, or None."""
    return (
        Cover.objects.filter(project__linkname=linkname, msgid=msgid)
        .select_related("project", "submitter", "series")
        .first()
    )


def patch_exists(project: Project, msgid: str) -> bool:
    return Patch.objects.filter(project=project, msgid=msgid).exists()


def cover_exists(project: Project, msgid: str) -> bool:
    return Cover.objects.filter(project=project, msgid=msgid).exists()


def related_patches(patch: Patch) -> tuple[list[Patch], list[Patch]]:
    """Return the patches related to ``patch``: (same project, other projects)."""
    if patch.related_id is None:
        return [], []
    others = list(
        Patch.objects.filter(related_id=patch.related_id)
        .exclude(pk=patch.pk)
        .select_related("project")
        .defer_bodies()
        .order_by("project__linkname", "date", "id")
    )
    same = [other for other in others if other.project_id == patch.project_id]
    foreign = [other for other in others if other.project_id != patch.project_id]
    return same, foreign


def patch_get_by_id(patch_id: int) -> Patch | None:
    return (
        Patch.objects.select_related("project")
        .defer_bodies()
        .filter(pk=patch_id)
        .first()
    )


def cover_get_by_id(cover_id: int) -> Cover | None:
    return (
        Cover.objects.select_related("project")
        .defer("content", "headers")
        .filter(pk=cover_id)
        .first()
    )


def comment_parent(comment_id: int) -> Patch | Cover | None:
    """Return the patch or cover a comment id belongs to, patch comments first."""
    comment = (
        PatchComment.objects.select_related("patch__project")
        .only("pk", "patch__msgid", "patch__project__linkname")
        .filter(pk=comment_id)
        .first()
    )
    if comment is not None:
        return comment.patch
    cover_comment = (
        CoverComment.objects.select_related("cover__project")
        .only("pk", "cover__msgid", "cover__project__linkname")
        .filter(pk=comment_id)
        .first()
    )
    return cover_comment.cover if cover_comment is not None else None


# --- bundles ------------------------------------------------------------------------


def user_bundles(user: User, project: Project | None = None) -> QuerySet[Bundle]:
    """Return the user's bundles with ``patch_count``, by name."""
    bundles = Bundle.objects.filter(owner=user)
    if project is not None:
        bundles = bundles.filter(project=project)
    return (
        bundles.select_related("project", "owner")
        .annotate(patch_count=Count("bundlepatch"))
        .order_by("name", "id")
    )


def bundle_choices(user: User) -> list[Bundle]:
    """Return the bundles a user can add patches to (all of theirs)."""
    return list(
        Bundle.objects.filter(owner=user)
        .select_related("project")
        .order_by("name", "id")
    )


def bundle_get(username: str, name: str) -> Bundle | None:
    return (
        Bundle.objects.select_related("owner", "project")
        .filter(owner__username=username, name=name)
        .first()
    )


def bundle_get_by_id(bundle_id: int) -> Bundle | None:
    return Bundle.objects.select_related("owner").filter(pk=bundle_id).first()


def bundle_order(bundle: Bundle) -> list[int]:
    """Return the bundle's patch ids in bundle order."""
    return list(
        BundlePatch.objects.filter(bundle=bundle)
        .order_by("order", "id")
        .values_list("patch_id", flat=True)
    )


# --- people -------------------------------------------------------------------------


def user_persons(user: User) -> list[Person]:
    return list(Person.objects.filter(user=user).order_by("email"))


def contributed_projects(user: User) -> list[Project]:
    """Return the projects where one of the user's addresses submitted a patch."""
    submitted = Patch.objects.filter(project=OuterRef("pk"), submitter__user=user)
    return list(Project.objects.filter(Exists(submitted)).order_by("linkname"))


def submitter_search(query: str, limit: int) -> list[Person]:
    people = Person.objects.filter(
        Q(name__icontains=query) | Q(email__icontains=query)
    ).order_by("name", "email")
    return list(people[:limit])


def submitter_search_by_name(query: str, limit: int) -> list[Person]:
    people = Person.objects.filter(name__icontains=query).order_by("name", "email")
    return list(people[:limit])


def user_search(query: str, limit: int) -> list[User]:
    users = User.objects.filter(
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    ).order_by("username")
    return list(users[:limit])
