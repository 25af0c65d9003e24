"""Link the versions of series already stored (``manage.py linkversions``).

Ingest links versions as mail arrives; this does the same for data stored
before (an upgrade, an import): it reads each series' name, its cover
letter or first patch (body for b4's ``change-id:``, headers for what it
answers), then applies the rule of ``apps.patches.services.versions`` to
every series whose link no maintainer set.
"""

from collections.abc import Callable, Sequence

from django.db import transaction
from django.db.models import Count, QuerySet

from apps.patches.models import Cover, Patch, Series, SeriesThreadReference
from apps.patches.services.versions import best_previous
from apps.patches.versions import change_id, header_references, name_key
from apps.projects.models import Project

Progress = Callable[[int, int], None]


def _heads(chunk: Sequence[int]) -> dict[int, list[tuple[str | None, str]]]:
    """Return {series id: [(content, headers)]} of its cover letter and first patch."""
    heads: dict[int, list[tuple[str | None, str]]] = {pk: [] for pk in chunk}
    covers = Cover.objects.filter(series__in=chunk).values_list(
        "series__id", "content", "headers"
    )
    firsts = Patch.objects.filter(series__in=chunk, number=1).values_list(
        "series_id", "content", "headers"
    )
    for rows in (covers, firsts):
        for series_id, content, headers in rows:
            heads[series_id].append((content, headers))
    return heads


def _record_heads(series: list[Series]) -> None:
    heads = _heads([s.pk for s in series])
    refs: list[SeriesThreadReference] = []
    for row in series:
        row.name_key = name_key(row.name)
        row.change_id = next(
            (found for content, _ in heads[row.pk] if (found := change_id(content))),
            "",
        )
        refs.extend(
            SeriesThreadReference(series=row, project_id=row.project_id, msgid=msgid)
            for _, headers in heads[row.pk]
            for msgid in header_references(headers)
        )
    Series.objects.bulk_update(series, ["name_key", "change_id"])
    SeriesThreadReference.objects.bulk_create(refs, ignore_conflicts=True)


def _refresh_all_lineages(project_ids: Sequence[int]) -> None:
    links = dict(
        Series.objects.filter(project_id__in=project_ids).values_list(
            "pk", "previous_version_id"
        )
    )
    roots: dict[int, int] = {}
    for start in links:
        path, current = [], start
        while current not in roots and links.get(current) is not None:
            if current in path:  # a loop cannot be made; stop if one exists
                break
            path.append(current)
            current = links[current]
        root = roots.get(current, current)
        for member in (*path, current):
            roots[member] = root
    sizes: dict[int, int] = {}
    for root in roots.values():
        sizes[root] = sizes.get(root, 0) + 1
    current_lineage = dict(
        Series.objects.filter(project_id__in=project_ids).values_list("pk", "lineage")
    )
    changed = [
        Series(pk=pk, lineage=lineage)
        for pk, root in roots.items()
        if current_lineage.get(pk) != (lineage := root if sizes[root] > 1 else None)
    ]
    Series.objects.bulk_update(changed, ["lineage"], batch_size=500)


def _shared(series: QuerySet[Series], column: str) -> set[tuple[int, str]]:
    """(project id, value) pairs of ``column`` that two or more series share."""
    return set(
        series.exclude(**{column: ""})
        .order_by()
        .values_list("project_id", column)
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("project_id", column)
    )


def _may_have_previous(series: QuerySet[Series]) -> Callable[[Series], bool]:
    """Return a test that is False only where no rule can find a previous version.

    A series whose name and change-id no other series of its project shares,
    and whose head mails answer nothing, has none: most series of an
    archive, which then cost no query.
    """
    names = _shared(series, "name_key")
    change_ids = _shared(series, "change_id")
    answering = set(
        SeriesThreadReference.objects.filter(series__in=series).values_list(
            "series_id", flat=True
        )
    )

    def may(row: Series) -> bool:
        return (
            (row.project_id, row.name_key) in names
            or (row.project_id, row.change_id) in change_ids
            or row.pk in answering
        )

    return may


def series_link_all(
    *,
    project: Project | None = None,
    progress: Progress | None = None,
    batch_size: int = 500,
) -> int:
    """Link the versions of every series (of ``project``); return the links changed."""
    series = Series.objects.all()
    if project is not None:
        series = series.filter(project=project)
    ids = list(series.order_by("id").values_list("id", flat=True))
    changed = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            rows = list(
                Series.objects.filter(pk__in=ids[start : start + batch_size]).only(
                    "id", "name", "project_id", "name_key", "change_id"
                )
            )
            _record_heads(rows)
        if progress is not None:
            progress(min(start + batch_size, len(ids)), 2 * len(ids))
    may_have_previous = _may_have_previous(series)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = Series.objects.filter(
                pk__in=ids[start : start + batch_size], previous_version_manual=False
            ).select_related("submitter")
            for row in batch:
                found = best_previous(row) if may_have_previous(row) else None
                found_id = found.pk if found is not None else None
                if found_id != row.previous_version_id:
                    row.previous_version_id = found_id
                    row.save(update_fields=["previous_version"])
                    changed += 1
        if progress is not None:
            progress(len(ids) + min(start + batch_size, len(ids)), 2 * len(ids))
    project_ids = (
        [project.pk]
        if project is not None
        else list(Project.objects.values_list("pk", flat=True))
    )
    with transaction.atomic():
        _refresh_all_lineages(project_ids)
    return changed
