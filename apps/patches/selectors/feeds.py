"""Reads of the Atom feeds: the newest entries of a list, in one query each."""

from django.db.models import QuerySet

from apps.patches.models import Patch, Series
from apps.patches.selectors.submissions import series_list
from apps.patches.selectors.versions import series_versions
from apps.projects.models import Project

FEED_LENGTH = 50


def feed_patches(patches: QuerySet[Patch]) -> list[Patch]:
    """Return the newest ``FEED_LENGTH`` of ``patches`` with what an entry shows.

    The commit message (``content``) is the entry's summary; diffs and
    headers are not read.
    """
    return list(
        patches.select_related("submitter", "state", "project")
        .defer("diff", "headers")
        .order_by("-date", "-id")[:FEED_LENGTH]
    )


def feed_series(project: Project) -> list[Series]:
    """Return the project's newest series, with submitter and counts."""
    return list(
        series_list().filter(project=project).order_by("-date", "-id")[:FEED_LENGTH]
    )


def series_later_versions(series: Series) -> list[Series]:
    """Return the versions of ``series`` sent after it, oldest first."""
    versions = series_versions(series)
    ids = [version.pk for version in versions]
    return versions[ids.index(series.pk) + 1 :] if series.pk in ids else []


def feed_series_one(series_id: int) -> Series | None:
    """Return one series with its project, submitter and counts."""
    return series_list().filter(pk=series_id).first()
