"""Single patches, covers, series and comments as the web pages read them.

The patch and cover pages' own reads are fixed SQL (``apps.patches.fixed_sql``),
re-exported here so pages read everything through selectors.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from apps.checks.models import Check
from apps.checks.selectors import checks_with_patch
from apps.patches.fixed_sql import (
    comments,
    newest_check_filter,
    patch_checks,
    patch_page,
    series_members,
)
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.patches.selectors.annotations import with_check_state
from apps.projects.models import Project

__all__ = [
    "comment_parent",
    "comments",
    "cover_detail",
    "cover_exists",
    "cover_get_by_id",
    "cover_id_exists",
    "patch_checks",
    "patch_diff",
    "patch_exists",
    "patch_get_by_id",
    "patch_id_exists",
    "patch_page",
    "patch_summaries",
    "patch_with_check_state",
    "patch_with_submitter",
    "patches_by_ids",
    "related_patches",
    "series_get",
    "series_members",
    "series_of_message",
]


def series_get(series_id: int) -> Series | None:
    return Series.objects.filter(pk=series_id).first()


def series_of_message(msgid: str, project: Project) -> Series | None:
    """Return the series of the patch with Message-Id ``msgid``, else of the cover.

    A Message-Id may exist in several projects: ``project``'s mail wins.
    """
    for key in ("patches__msgid", "cover_letter__msgid"):
        matches = Series.objects.filter(**{key: msgid}).distinct()
        found = matches.filter(project=project).first() or matches.first()
        if found is not None:
            return found
    return None


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


def patch_summaries() -> QuerySet[Patch]:
    """Patches with project, state, submitter and delegate, bodies unloaded."""
    return Patch.objects.select_related(
        "project", "state", "submitter", "delegate"
    ).defer_bodies()


def patches_by_ids(patch_ids: Iterable[int]) -> list[Patch]:
    """Return the patches with these ids (unknown ids skipped), by date."""
    return list(patch_summaries().filter(pk__in=patch_ids).order_by("date", "id"))


def patch_diff(patch_id: int) -> str | None:
    """Return the diff of the patch with this id (None: no such patch or diff)."""
    return Patch.objects.filter(pk=patch_id).values_list("diff", flat=True).first()


def patch_id_exists(patch_id: int) -> bool:
    return Patch.objects.filter(pk=patch_id).exists()


def cover_id_exists(cover_id: int) -> bool:
    return Cover.objects.filter(pk=cover_id).exists()


def patch_with_submitter(patch_id: int) -> Patch | None:
    """Return the patch (bodies unloaded) with its submitter, or None."""
    return (
        Patch.objects.select_related("submitter")
        .defer_bodies()
        .filter(pk=patch_id)
        .first()
    )


def patch_with_check_state(patch_id: int) -> Patch | None:
    """Return the patch (bodies unloaded) annotated with its ``check_state``."""
    patches = Patch.objects.select_related("project", "state", "submitter", "delegate")
    return with_check_state(patches).defer_bodies().filter(pk=patch_id).first()


def current_checks(*, patch_id: int) -> QuerySet[Check]:
    """Return the newest check per (user, context) of a patch, by id."""
    return (
        checks_with_patch()
        .filter(newest_check_filter(), patch_id=patch_id)
        .order_by("id")
    )
