from django.conf import settings
from django.db import models
from django.utils import timezone


class Check(models.Model):
    """A test result reported for a patch by a CI system."""

    class State(models.IntegerChoices):
        # Stored as upstream's numeric codes, which also give the API's
        # ``order=state`` its upstream meaning.
        PENDING = 0, "pending"
        SUCCESS = 1, "success"
        WARNING = 2, "warning"
        FAIL = 3, "fail"

    patch = models.ForeignKey(
        "patches.Patch", on_delete=models.CASCADE, related_name="checks"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    date = models.DateTimeField(default=timezone.now)
    state = models.SmallIntegerField(choices=State.choices, default=State.PENDING)
    target_url = models.URLField(blank=True, null=True)  # noqa: DJ001
    description = models.TextField(blank=True, null=True)  # noqa: DJ001
    context = models.SlugField(max_length=255, default="default")

    class Meta:
        ordering = ["id"]
        indexes = [
            # The per-patch summary keeps the newest check per (user, context).
            models.Index(
                fields=["patch", "user", "context", "date"], name="check_summary_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.context}: {self.get_state_display()}"
