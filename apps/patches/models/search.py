"""What the search language looks up in a diff, stored beside the patch.

Both are derived from ``Patch.diff`` when a patch is stored
(``apps.patches.services.search_index``) so that ``file:`` and ``diff:``
are index lookups: ``PatchFile`` by path (a pattern index on PostgreSQL
serves directory prefixes), ``PatchDiffText`` through a trigram index on
PostgreSQL (created by the migration, since it needs ``pg_trgm``).
"""

from django.db import models

# Longer paths are cut: a btree entry must fit in a database page.
MAX_PATH_LENGTH = 1000


class PatchFile(models.Model):
    """A path the patch's diff touches, without its ``a/`` or ``b/`` component."""

    patch = models.ForeignKey(
        "patches.Patch", on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=MAX_PATH_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patch", "path"], name="patchfile_patch_path_unique"
            ),
        ]
        indexes = [
            # varchar_pattern_ops lets LIKE 'dir/%' use the index whatever
            # the database's collation (other databases ignore it).
            models.Index(
                fields=["path"],
                name="patchfile_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.path


class PatchDiffText(models.Model):
    """The added and removed lines of a patch's diff, without their sign."""

    patch = models.OneToOneField(
        "patches.Patch", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    lines = models.TextField()

    def __str__(self) -> str:
        return f"changed lines of patch {self.patch_id}"
