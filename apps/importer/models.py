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


class MirroredObject(models.Model):
    """Which row an object of a mirrored API became (``--from-api``).

    The id is the source's wherever the target had it free; this table says
    so either way, and tells a later run what it already has.
    """

    source = models.CharField(max_length=500)  # the API's root URL
    kind = models.CharField(max_length=30)  # "patch", "cover", "patch-comment", ...
    source_id = models.BigIntegerField()
    target_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="mirrored_object_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} -> {self.target_id}"


class MirrorState(models.Model):
    """How far the mirror of one project has read the source's event log."""

    source = models.CharField(max_length=500)
    project = models.CharField(max_length=255)  # the source's link name
    last_event_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "project"], name="mirror_state_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} of {self.source}"
