"""Bookkeeping of imports, so an interrupted one can go on where it stopped."""

from django.db import models


class ImportProgress(models.Model):
    """How far ``importpatchwork`` got with one kind of row (``--resume``).

    Written in the same transaction as the rows it counts.
    """

    kind = models.CharField(max_length=50, primary_key=True)
    # The source database (its URL without the password).
    source = models.CharField(max_length=500)
    # The key of the last row written, as text; empty before the first.
    last_key = models.CharField(max_length=255, blank=True)
    rows = models.BigIntegerField(default=0)
    finished = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.kind}: {self.rows} rows"
