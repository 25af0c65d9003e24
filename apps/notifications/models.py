from django.db import models
from django.utils import timezone


class EmailOptout(models.Model):
    """An address that asked not to receive patch-change notifications."""

    # Stored lower-cased and trimmed.
    email = models.CharField(max_length=200, primary_key=True)

    class Meta:
        verbose_name = "e-mail opt-out"

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class PatchChangeNotification(models.Model):
    """A pending notification: the patch's state changed since ``orig_state``."""

    patch = models.OneToOneField(
        "patches.Patch", primary_key=True, on_delete=models.CASCADE
    )
    last_modified = models.DateTimeField(default=timezone.now)
    orig_state = models.ForeignKey("patches.State", on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"Patch {self.patch_id} changed from {self.orig_state}"


class EventCursor(models.Model):
    """How far a reader of the event log has got: the last event id it read.

    ``send_notifications`` folds state-change events into pending
    notifications from here on.
    """

    name = models.CharField(max_length=50, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at event {self.last_event_id}"
