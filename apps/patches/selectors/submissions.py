"""Patches, covers, series and comments as the REST API lists and shows them.

Each selector fixes the joins and prefetches one use case needs, so a page
or endpoint runs a fixed number of queries whatever its length (the query
count tests pin these). Bodies (``diff``, ``content``, ``headers``) are left
unloaded wherever they are not shown.
"""

from django.db.models import Prefetch, Q, QuerySet

from apps.patches.embedded import EmbeddedPatch, ProjectLinks
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.patches.selectors.annotations import with_check_state, with_received_counts

_COVER_BODIES = ("content", "headers")


# What an embedded patch shows (and what its links and archive URL read),
# plus the keys that attach it to its series or relation.
_EMBEDDED_PATCH_FIELDS = (
    "id",
    "msgid",
    "name",
    "date",
    "series",
    "related",
    "project__linkname",
    "project__list_archive_url_format",
)


def embedded_patches() -> QuerySet[Patch]:
    """Patches as other objects embed them: only what they show, by date."""
    return (
        Patch.objects.select_related("project")
        .only(*_EMBEDDED_PATCH_FIELDS)
        .order_by("date", "id")
    )


def _relation_members() -> Prefetch:
    return Prefetch("related__patches", queryset=embedded_patches())


def patch_list() -> QuerySet[Patch]:
    """Return patches as the patch list shows them (no bodies), by id."""
    patches = Patch.objects.with_list_related().select_related(
        "series__project", "related"
    )
    return (
        with_check_state(patches).prefetch_related(_relation_members()).order_by("id")
    )


def patch_detail_queryset() -> QuerySet[Patch]:
    """Return patches ready to be shown one at a time, bodies included."""
    patches = Patch.objects.select_related(
        "project",
        "state",
        "submitter",
        "delegate",
        "series",
        "series__project",
        "related",
    )
    return with_check_state(patches).prefetch_related(_relation_members())


def _cover_base() -> QuerySet[Cover]:
    return Cover.objects.select_related(
        "project", "submitter", "series", "series__project"
    )


def cover_list() -> QuerySet[Cover]:
    """Return cover letters as the cover list shows them (no bodies), by id."""
    return _cover_base().defer(*_COVER_BODIES).order_by("id")


def cover_detail_queryset() -> QuerySet[Cover]:
    return _cover_base()


def _series_base() -> QuerySet[Series]:
    series = Series.objects.select_related(
        "project", "submitter", "cover_letter", "cover_letter__project"
    ).defer(*(f"cover_letter__{name}" for name in _COVER_BODIES))
    return with_received_counts(series)


def series_list() -> QuerySet[Series]:
    """Return series with their cover letter and counts, by id.

    ``attach_series_members`` adds what a series shows of its patches and
    dependencies, once the page's series are known.
    """
    return _series_base().order_by("id")


def series_detail_queryset() -> QuerySet[Series]:
    return _series_base()


def attach_series_members(
    series_rows: list[Series], *, dependencies: bool
) -> list[Series]:
    """Give each series its patches and, if asked, its dependency ids.

    Sets ``member_patches`` (by date) and ``dependency_ids`` /
    ``dependent_ids`` (ascending). One query each, whatever the number of
    series; the patches come as plain rows, not models, as a page of series
    embeds hundreds of them.
    """
    by_id = {series.pk: series for series in series_rows}
    for series in series_rows:
        series.member_patches = []
        series.dependency_ids = []
        series.dependent_ids = []
    if not by_id:
        return series_rows
    projects: dict[tuple[str, str], ProjectLinks] = {}
    rows = (
        Patch.objects.filter(series_id__in=by_id)
        .order_by("date", "id")
        .values_list(
            "series_id",
            "id",
            "msgid",
            "name",
            "date",
            "project__linkname",
            "project__list_archive_url_format",
        )
    )
    for series_id, patch_id, msgid, name, date, linkname, archive_format in rows:
        key = (linkname, archive_format)
        project = projects.get(key)
        if project is None:
            project = projects[key] = ProjectLinks(*key)
        by_id[series_id].member_patches.append(
            EmbeddedPatch(patch_id, msgid, name, date, project)
        )
    if dependencies:
        edges = list(
            Series.dependencies.through.objects.filter(
                Q(from_series_id__in=by_id) | Q(to_series_id__in=by_id)
            ).values_list("from_series_id", "to_series_id")
        )
        for dependent, dependency in sorted(edges):
            if dependent in by_id:
                by_id[dependent].dependency_ids.append(dependency)
        for dependent, dependency in sorted(edges, key=lambda edge: edge[::-1]):
            if dependency in by_id:
                by_id[dependency].dependent_ids.append(dependent)
    return series_rows


def patch_comment_list(*, patch_id: int) -> QuerySet[PatchComment]:
    """Return the comments on one patch, bodies included (the list shows them)."""
    return (
        PatchComment.objects.filter(patch_id=patch_id)
        .select_related("submitter", "patch__project")
        .defer(*(f"patch__{name}" for name in ("diff", "content", "headers")))
        .order_by("id")
    )


def cover_comment_list(*, cover_id: int) -> QuerySet[CoverComment]:
    """Return the comments on one cover letter, bodies included."""
    return (
        CoverComment.objects.filter(cover_id=cover_id)
        .select_related("submitter", "cover__project")
        .defer(*(f"cover__{name}" for name in _COVER_BODIES))
        .order_by("id")
    )
