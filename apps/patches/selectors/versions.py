"""The versions of a series and its state, as lists and pages show them.

``attach_series_versions`` gives a page of series their versions, previous
and next version and state in two queries whatever the page's length; the
single-series functions serve pages that show one series.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, QuerySet

from apps.patches.models import Patch, Series
from apps.patches.series_state import SeriesState, StateCount, rank_states_by_series

# What a version row loads: enough for its links and an embedded form.
_VERSION_FIELDS = (
    "id",
    "name",
    "version",
    "date",
    "project__linkname",
    "previous_version_id",
    "lineage",
)


def _version_rows() -> QuerySet[Series]:
    return Series.objects.select_related("project").only(*_VERSION_FIELDS)


def version_order(series: Series) -> tuple:
    """Sort key of the versions of a series: by version, then date, then id."""
    return (series.version, series.date, series.pk)


def _next_of(series: Series, family: Iterable[Series]) -> Series | None:
    following = [s for s in family if s.previous_version_id == series.pk]
    return max(following, key=version_order) if following else None


def set_version_rows(series: Series, family: list[Series]) -> None:
    """Set ``versions``, ``previous_version_row`` and ``next_version_row``.

    ``family`` is every version of ``series`` (itself included), oldest first.
    """
    by_id = {row.pk: row for row in family}
    series.versions = family
    series.previous_version_row = by_id.get(series.previous_version_id)  # type: ignore[arg-type]
    series.next_version_row = _next_of(series, family)


def series_versions(series: Series) -> list[Series]:
    """Return every version of ``series`` (itself included), oldest first."""
    if series.lineage is None:
        return [series]
    return sorted(_version_rows().filter(lineage=series.lineage), key=version_order)


def series_next_version(series: Series) -> Series | None:
    """Return the newest series that names ``series`` as its previous version."""
    return (
        _version_rows()
        .filter(previous_version_id=series.pk)
        .order_by("-version", "-date", "-id")
        .first()
    )


def _state_counts(series_ids: list[int]) -> dict[int, tuple[StateCount, ...]]:
    rows = (
        Patch.objects.filter(series_id__in=series_ids)
        .order_by()
        .values_list("series_id", "state__ordering", "state__slug", "state__name")
        .annotate(n=Count("id"))
    )
    return rank_states_by_series(rows)


def series_state(series: Series) -> SeriesState:
    counts = _state_counts([series.pk]).get(series.pk, ())
    superseded = Series.objects.filter(previous_version_id=series.pk).exists()
    return SeriesState(counts, superseded)


def with_superseded(series: QuerySet[Series]) -> QuerySet[Series]:
    """Annotate ``superseded``: whether a newer version names the series."""
    newer = Series.objects.filter(previous_version_id=OuterRef("pk"))
    return series.annotate(superseded=Exists(newer))


def attach_series_versions(series_rows: list[Series]) -> list[Series]:
    """Give each series its versions, previous and next version and state.

    Sets ``versions``, ``previous_version_row``, ``next_version_row`` and
    ``state``.

    ``versions`` holds every version (the series itself included) oldest
    first, as rows with id, name, version, date and project link name; the
    previous and next versions are rows of it (None when there is none);
    ``state`` is a ``SeriesState``. Two queries, whatever the page holds.
    """
    if not series_rows:
        return series_rows
    lineages = {s.lineage for s in series_rows if s.lineage is not None}
    families: dict[int, list[Series]] = defaultdict(list)
    if lineages:
        for row in _version_rows().filter(lineage__in=lineages):
            families[row.lineage].append(row)  # type: ignore[index]
    counts = _state_counts([s.pk for s in series_rows])
    for series in series_rows:
        family = sorted(families.get(series.lineage, [series]), key=version_order)  # type: ignore[arg-type]
        set_version_rows(series, family)
        superseded = series.next_version_row is not None
        series.state = SeriesState(counts.get(series.pk, ()), superseded)
    return series_rows
