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


class PendingMail(models.Model):
    """A reply kept until the mail it answers is stored.

    Mail arrives in any order (parallel delivery, lists reordering under
    load, archives fed again), so a reply may come before its parent. It is
    kept here, raw, with the Message-Id it waits for (its nearest
    reference), and stored as soon as a mail with that id is. After
    ``INGEST_PENDING_DAYS`` it expires (``manage.py pendingmail --expire``,
    also run by ``manage.py cron``): stored by upstream's rule if an older
    ancestor is known, otherwise saved to the failed-mail folder.
    """

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+"
    )
    msgid = models.CharField(max_length=255)
    awaits = models.CharField(max_length=255)
    # The --list-id the mail was delivered with (empty: its own headers).
    list_id = models.CharField(max_length=255, blank=True)
    raw = models.BinaryField()
    received = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "msgid"], name="pending_mail_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "awaits"], name="pending_mail_awaits"),
            models.Index(fields=["received"], name="pending_mail_received"),
        ]

    def __str__(self) -> str:
        return f"{self.msgid} awaiting {self.awaits}"
