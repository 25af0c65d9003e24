from django.conf import settings
from django.db import models


class Bundle(models.Model):
    """A user's named, ordered list of patches of one project."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bundles"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="bundles"
    )
    name = models.CharField(max_length=50)
    patches = models.ManyToManyField("patches.Patch", through="BundlePatch")
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="bundle_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BundlePatch(models.Model):
    """A patch's place in a bundle."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE)
    patch = models.ForeignKey("patches.Patch", on_delete=models.CASCADE)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "patch"], name="bundlepatch_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.order}"
