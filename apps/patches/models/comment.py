from django.db import models

from apps.patches.models.base import EmailMixin
from apps.patches.models.cover import Cover
from apps.patches.models.patch import Patch


class PatchComment(EmailMixin):
    """A reply to a patch."""

    patch = models.ForeignKey(Patch, on_delete=models.CASCADE, related_name="comments")
    # None: nothing to do; False: action required; True: addressed.
    addressed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patch", "msgid"], name="patchcomment_msgid_unique"
            ),
        ]
        indexes = [models.Index(fields=["msgid"], name="patchcomment_msgid_idx")]

    def __str__(self) -> str:
        return f"Comment {self.msgid} on {self.patch_id}"


class CoverComment(EmailMixin):
    """A reply to a cover letter."""

    cover = models.ForeignKey(Cover, on_delete=models.CASCADE, related_name="comments")
    addressed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cover", "msgid"], name="covercomment_msgid_unique"
            ),
        ]
        indexes = [models.Index(fields=["msgid"], name="covercomment_msgid_idx")]

    def __str__(self) -> str:
        return f"Comment {self.msgid} on cover {self.cover_id}"
