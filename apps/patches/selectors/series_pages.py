"""Series as the web's series list and series page read them.

A list page reads its series' ids first (filters and order on the series
table alone), then those rows with submitter, cover letter and received
count, then their versions and state (``attach_series_versions``): a fixed
number of queries whatever the page's length. The series page shows its
patches as the patch list's rows (state, checks, tags) in series order.
"""

from collections import Counter

from django.db.models import Count, QuerySet

from apps.patches.models import Patch, Series, State, Tag
from apps.patches.selectors.annotations import with_received_counts
from apps.patches.selectors.rows import PatchRow, series_member_rows
from apps.patches.selectors.versions import (
    series_state,
    series_versions,
    set_version_rows,
    with_superseded,
)
from apps.patches.series_state import (
    SeriesState,
    StateCount,
    rank_states,
    rank_states_by_series,
)
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
    *,
    order_by: list,
    page_ids: list[int],
    states: list[State],
) -> list[Series]:
    """Return the rows ``page_ids`` with version count and state (three queries).

    Each row gets ``version_count`` (its versions, itself included) and
    ``state`` (a ``SeriesState``); ``states`` names the patches' states.
    Lighter than ``attach_series_versions``: a list shows how many versions
    there are, not which, and reads counts rather than rows.
    """
    rows = list(
        with_superseded(with_received_counts(Series.objects.filter(pk__in=page_ids)))
        .select_related("submitter", "cover_letter")
        .only(*_ROW_FIELDS)
        .order_by(*order_by)
    )
    lineages = {row.lineage for row in rows if row.lineage is not None}
    versions = dict(
        Series.objects.filter(lineage__in=lineages)
        .order_by()
        .values("lineage")
        .annotate(n=Count("id"))
        .values_list("lineage", "n")
    )
    counts = _state_counts([row.pk for row in rows], states)
    for row in rows:
        row.version_count = versions.get(row.lineage, 1)
        # ``superseded`` is with_superseded()'s annotation.
        superseded = bool(row.superseded)  # type: ignore[attr-defined]
        row.state = SeriesState(counts.get(row.pk, ()), superseded)
    return rows


def _state_counts(
    series_ids: list[int], states: list[State]
) -> dict[int, tuple[StateCount, ...]]:
    """Return each series' ``StateCount``s, most frequent first (one query)."""
    by_id = {state.pk: state for state in states}
    rows = (
        Patch.objects.filter(series_id__in=series_ids)
        .order_by()
        .values("series_id", "state_id")
        .annotate(n=Count("id"))
        .values_list("series_id", "state_id", "n")
    )
    counted = []
    for series_id, state_id, count in rows:
        state = by_id[state_id]
        counted.append((series_id, state.ordering, state.slug, state.name, count))
    return rank_states_by_series(counted)


def series_page(series_id: int) -> Series | None:
    """Return a series with project, submitter, cover letter and versions.

    Sets ``versions`` (oldest first), ``previous_version_row`` and
    ``next_version_row`` as ``attach_series_versions`` does; the state comes
    with the patches (``series_patch_rows``), which the page reads anyway.
    """
    found = (
        with_received_counts(Series.objects.filter(pk=series_id))
        .select_related("project", "submitter", "cover_letter")
        .first()
    )
    if found is None:
        return None
    set_version_rows(found, series_versions(found))
    return found


def series_patch_rows(series: Series, tags: list[Tag]) -> list[PatchRow]:
    """Return the series' patches in series order, as patch list rows.

    Also sets the series' ``state`` from those rows (a query only for a
    series longer than the page shows).
    """
    rows = series_member_rows(series, size=MAX_PAGE_PATCHES, tags=tags)
    superseded = series.next_version_row is not None
    if len(rows) < MAX_PAGE_PATCHES:
        series.state = _state_of(rows, superseded)
    else:
        series.state = series_state(series)
    return rows


def _state_of(rows: list[PatchRow], superseded: bool) -> SeriesState:
    """Return the state of a series whose patches are ``rows`` (all of them)."""
    counted = Counter(
        (row.state_ordering, row.state_slug, row.state_name) for row in rows
    )
    counts = rank_states((*state, count) for state, count in counted.items())
    return SeriesState(counts, superseded)


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
