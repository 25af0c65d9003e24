from django.db import models


class PatchRelation(models.Model):
    """An unordered set of related patches (e.g. one change ported to branches)."""

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Relation #{self.pk}"
