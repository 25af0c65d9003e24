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


class DroppedConstraint(models.Model):
    """A foreign key set aside while rows are bulk-loaded (PostgreSQL).

    Checking every row's references at each commit halves the import's
    speed; like ``pg_restore``, the import drops the foreign keys of the
    tables it fills and adds them back, checking all rows at once, when the
    rows are in. Kept here until then, so ``--resume`` can restore them.
    """

    table = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    definition = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table", "name"], name="dropped_constraint_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
