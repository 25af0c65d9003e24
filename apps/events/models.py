from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.Model):
    """One entry of the activity feed (``/api/events/``).

    Only the columns that an event's category uses are set; the API shows
    them as the category's payload.
    """

    class Category(models.TextChoices):
        COVER_CREATED = "cover-created"
        PATCH_CREATED = "patch-created"
        PATCH_COMPLETED = "patch-completed"
        PATCH_STATE_CHANGED = "patch-state-changed"
        PATCH_DELEGATED = "patch-delegated"
        PATCH_RELATION_CHANGED = "patch-relation-changed"
        CHECK_CREATED = "check-created"
        SERIES_CREATED = "series-created"
        SERIES_COMPLETED = "series-completed"
        # patchserver's own (API 1.5): one late mail showed two series to
        # be one; ``series`` took in the series ``merged_series_id`` was.
        SERIES_MERGED = "series-merged"
        COVER_COMMENT_CREATED = "cover-comment-created"
        PATCH_COMMENT_CREATED = "patch-comment-created"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="events"
    )
    category = models.CharField(max_length=25, choices=Category.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateTimeField(default=timezone.now)

    patch = models.ForeignKey(
        "patches.Patch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    series = models.ForeignKey(
        "patches.Series",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    cover = models.ForeignKey(
        "patches.Cover",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    previous_state = models.ForeignKey(
        "patches.State",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    current_state = models.ForeignKey(
        "patches.State",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    previous_delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    current_delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    previous_relation = models.ForeignKey(
        "patches.PatchRelation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_relation = models.ForeignKey(
        "patches.PatchRelation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_check = models.ForeignKey(
        "checks.Check",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    patch_comment = models.ForeignKey(
        "patches.PatchComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    cover_comment = models.ForeignKey(
        "patches.CoverComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The id a merged series had (series-merged); the row itself is gone.
    merged_series_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["project", "date"], name="event_project_date_idx"),
            models.Index(fields=["date"], name="event_date_idx"),
            models.Index(fields=["category", "date"], name="event_category_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category} #{self.pk}"
