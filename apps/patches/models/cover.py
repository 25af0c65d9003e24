from django.db import models

from apps.patches.models.base import Submission


class Cover(Submission):
    """A cover letter (the 0/N mail introducing a series)."""

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "msgid"], name="cover_project_msgid_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["msgid"], name="cover_msgid_idx"),
            models.Index(fields=["project", "date"], name="cover_project_date_idx"),
            # Ingest compares the names of threaded covers (upstream quirk).
            models.Index(fields=["name"], name="cover_name_idx"),
        ]
