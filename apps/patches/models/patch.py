from django.conf import settings
from django.db import models

from apps.patches.models.base import Submission
from apps.patches.models.relation import PatchRelation
from apps.patches.models.series import Series
from apps.patches.models.state import State
from apps.patches.models.tag import PatchTag, Tag
from apps.patches.querysets import PatchQuerySet


class Patch(Submission):
    """A patch (or pull request) sent to a project's list."""

    # Null for a pull request that carries no diff.
    diff = models.TextField(null=True, blank=True)  # noqa: DJ001
    pull_url = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    commit_ref = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    # SHA-1 of the normalised diff, see apps.ingest; null without a diff.
    hash = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    state = models.ForeignKey(State, on_delete=models.PROTECT)
    archived = models.BooleanField(default=False)
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Upstream cascades, which deletes patches with their delegate.
        on_delete=models.SET_NULL,
        related_name="delegated_patches",
    )
    related = models.ForeignKey(
        PatchRelation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patches",
    )
    series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patches",
    )
    # Position in the series (the x of x/N).
    number = models.PositiveIntegerField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, through=PatchTag, blank=True)

    objects = PatchQuerySet.as_manager()

    # Set on rows read through apps.patches.selectors.annotations.with_check_state().
    check_state: int

    class Meta:
        verbose_name_plural = "patches"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "msgid"], name="patch_project_msgid_unique"
            ),
            models.UniqueConstraint(
                fields=["series", "number"], name="patch_series_number_unique"
            ),
        ]
        indexes = [
            # The web list: one project, not archived, some states, by date.
            models.Index(
                fields=["project", "state", "archived", "date"],
                name="patch_list_idx",
            ),
            models.Index(fields=["project", "date"], name="patch_project_date_idx"),
            # The web list's default views (unarchived or archived, newest
            # first, page by page) read ids in date order from this index
            # alone; the trailing state is checked from the index too.
            models.Index(
                fields=["project", "archived", "date", "id", "state"],
                name="patch_list_date_idx",
            ),
            models.Index(fields=["hash"], name="patch_hash_idx"),
            models.Index(fields=["msgid"], name="patch_msgid_idx"),
            # API lists across projects by date (order=-date, since/before
            # without a project filter) read the newest rows from here.
            models.Index(fields=["date", "id"], name="patch_date_idx"),
        ]
