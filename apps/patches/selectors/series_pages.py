"""Series as the web's series list and series page read them.

A list page reads its series' ids first (filters and order on the series
table alone), then those rows with submitter, cover letter and received
count, then their versions and state (``attach_series_versions``): a fixed
number of queries whatever the page's length. The series page shows its
patches as the patch list's rows (state, checks, tags) in series order.
"""

from django.db.models import QuerySet

from apps.patches.models import Patch, Series, Tag
from apps.patches.selectors.annotations import with_received_counts
from apps.patches.selectors.rows import PatchRow, patch_list_page
from apps.patches.selectors.versions import attach_series_versions
from apps.projects.models import Project

# What a list row shows of the series and of its cover letter.
_ROW_FIELDS = (
    "id",
    "name",
    "date",
    "version",
    "total",
    "project_id",
    "previous_version_id",
    "lineage",
    "submitter__id",
    "submitter__name",
    "submitter__email",
    "submitter__user_id",
    "cover_letter__id",
    "cover_letter__msgid",
    "cover_letter__name",
)
# More patches than a series page lists (the rest: the patch list's series filter).
MAX_PAGE_PATCHES = 500


def project_series(project: Project) -> QuerySet[Series]:
    """Return the project's series with ``received_total`` (filterable)."""
    return with_received_counts(Series.objects.filter(project=project))


def series_list_page(
    series: QuerySet[Series], *, order_by: list, start: int, size: int
) -> list[Series]:
    """Return one page of ``series`` with versions and state (four queries)."""
    page_ids = series.order_by(*order_by).values("pk")[start : start + size]
    rows = list(
        with_received_counts(Series.objects.filter(pk__in=page_ids))
        .select_related("submitter", "cover_letter")
        .only(*_ROW_FIELDS)
        .order_by(*order_by)
    )
    return attach_series_versions(rows)


def series_page(series_id: int) -> Series | None:
    """Return a series with project, submitter, cover letter, versions and state."""
    found = (
        with_received_counts(Series.objects.filter(pk=series_id))
        .select_related("project", "submitter", "cover_letter")
        .first()
    )
    if found is None:
        return None
    return attach_series_versions([found])[0]


def series_patch_rows(series: Series, tags: list[Tag]) -> list[PatchRow]:
    """Return the series' patches in series order, as patch list rows."""
    return patch_list_page(
        Patch.objects.filter(series=series),
        order_by=["number", "date", "id"],
        start=0,
        size=MAX_PAGE_PATCHES,
        tags=tags,
    )


def series_pair(series_id: int, other_id: int) -> tuple[Series, Series] | None:
    """Return two series of one project for an interdiff (None: no such pair)."""
    found = {
        s.pk: s
        for s in Series.objects.filter(pk__in=[series_id, other_id]).select_related(
            "project"
        )
    }
    series, other = found.get(series_id), found.get(other_id)
    if series is None or other is None or series.project_id != other.project_id:
        return None
    return series, other


def series_by_ids(project: Project, series_ids: list[int]) -> list[Series]:
    """Return the project's series with these ids (others skipped), by id."""
    return list(
        Series.objects.filter(project=project, pk__in=series_ids).order_by("id")
    )
