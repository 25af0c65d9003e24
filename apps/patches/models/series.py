from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from apps.people.models import Person

if TYPE_CHECKING:
    from apps.patches.embedded import EmbeddedPatch


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

    # Set on API list rows by apps.patches.selectors.attach_series_members.
    member_patches: list["EmbeddedPatch"]
    dependency_ids: list[int]
    dependent_ids: list[int]

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
