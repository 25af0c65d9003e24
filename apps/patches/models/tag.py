from django.db import models

from apps.projects.validators import validate_regex


class Tag(models.Model):
    """A review tag counted in patches and their replies (Acked-by, ...)."""

    name = models.CharField(max_length=20)
    pattern = models.CharField(
        max_length=50,
        validators=[validate_regex],
        help_text="Regular expression matched per line, case-insensitively.",
    )
    abbrev = models.CharField(
        max_length=2, unique=True, help_text="Column heading in patch lists."
    )
    show_column = models.BooleanField(default=True)

    class Meta:
        ordering = ["abbrev"]

    def __str__(self) -> str:
        return self.name


class PatchTag(models.Model):
    """How many times a tag occurs in a patch and its comments (only counts > 0)."""

    patch = models.ForeignKey("patches.Patch", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patch", "tag"], name="patchtag_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tag}: {self.count}"
