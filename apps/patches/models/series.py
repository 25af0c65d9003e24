from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from apps.people.models import Person

if TYPE_CHECKING:
    from apps.patches.embedded import EmbeddedPatch
    from apps.patches.series_state import SeriesState


class Series(models.Model):
    """A numbered set of patches sent together, with an optional cover letter."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="series"
    )
    cover_letter = models.OneToOneField(
        "patches.Cover",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="series",
    )
    # Null until patch 1 or the cover letter arrives.
    name = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    # Date of the mail that created the series.
    date = models.DateTimeField(default=timezone.now)
    submitter = models.ForeignKey(Person, on_delete=models.PROTECT)
    version = models.PositiveIntegerField(default=1)
    # The N of the x/N markers; 1 for an unnumbered patch.
    total = models.PositiveIntegerField(default=0)
    dependencies = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    # Version links (apps.patches.services.versions): decided from the
    # stored mail unless a maintainer set them (``previous_version_manual``,
    # which the automatic linking never overrides, even to clear a link).
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
    )
    previous_version_manual = models.BooleanField(default=False)
    # The id of the oldest series linked to this one (the root of its
    # versions); null for a series without links. Lists read all versions
    # of a page's series with one lookup on it.
    lineage = models.PositiveBigIntegerField(null=True, blank=True)
    # The name as versions share it (apps.patches.versions.name_key).
    name_key = models.CharField(max_length=255, blank=True, default="")
    # b4's change-id trailer of the cover letter (or first patch), if any.
    change_id = models.CharField(max_length=255, blank=True, default="")

    # Set on API list rows by apps.patches.selectors.attach_series_members.
    member_patches: list["EmbeddedPatch"]
    dependency_ids: list[int]
    dependent_ids: list[int]
    # Set by apps.patches.selectors.attach_series_versions.
    versions: list["Series"]
    previous_version_row: "Series | None"
    next_version_row: "Series | None"
    state: "SeriesState"
    # Set on the web list's rows (apps.patches.selectors.series_list_page).
    version_count: int

    class Meta:
        verbose_name_plural = "series"
        ordering = ["id"]
        indexes = [
            # Finding a series by its markers during ingest.
            models.Index(
                fields=["project", "submitter", "version", "total", "date"],
                name="series_marker_idx",
            ),
            models.Index(fields=["project", "date"], name="series_project_date_idx"),
            # Finding the other versions of a series.
            models.Index(fields=["project", "name_key"], name="series_name_key_idx"),
            models.Index(
                fields=["project", "change_id"],
                name="series_change_id_idx",
                condition=~models.Q(change_id=""),
            ),
            models.Index(fields=["lineage"], name="series_lineage_idx"),
        ]

    def __str__(self) -> str:
        return self.name or f"Untitled series #{self.pk}"


class SeriesReference(models.Model):
    """Record that the mail with ``msgid`` belongs to ``series``.

    Written before the mail itself may have arrived, so that patches and a
    cover letter delivered out of order still find their series.
    """

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="references"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    msgid = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "msgid"], name="seriesreference_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.msgid


class SeriesThreadReference(models.Model):
    """A Message-Id that the cover letter or first patch of ``series`` answers.

    A new version is often sent in reply to the previous one; these rows
    let that previous version, arriving later, find the series that answers it.
    """

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="thread_references"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    msgid = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "msgid"], name="seriesthreadreference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "msgid"], name="seriesthreadref_msgid_idx"),
        ]

    def __str__(self) -> str:
        return self.msgid
