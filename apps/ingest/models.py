"""What ingest remembers between runs."""

from django.db import models


class InboxProgress(models.Model):
    """The last commit ``parsearchive`` handled in one public-inbox repository.

    One row per list, inbox and epoch (0 for a v1 inbox, which is one
    repository), so that the next run reads only the commits after it.
    Written once the mails up to that commit were stored, dropped or saved
    as failed, never before.

    The list is the one the run stored mail for (``--list-id``), empty when
    each mail found its project by its own headers. It stands for the
    project rather than a project's id because a list id is what names a
    project's mail, and several projects may share one list (told apart by
    subject).
    """

    list_id = models.CharField(max_length=255, blank=True)
    # The inbox's absolute path, as the command resolved it.
    inbox = models.TextField()
    epoch = models.PositiveIntegerField()
    # Hex object id: 40 digits for SHA-1 repositories, 64 for SHA-256.
    commit = models.CharField(max_length=64)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "inbox progress"
        constraints = [
            models.UniqueConstraint(
                fields=["list_id", "inbox", "epoch"], name="inbox_progress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inbox} epoch {self.epoch}: {self.commit}"
