from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.events.models import Event


class Webhook(models.Model):
    """An HTTP endpoint that receives events as the events API shows them.

    A hook with a project gets that project's events (maintainers register
    it); a hook without one gets the events of its owner's own patches,
    covers and series, in every project.
    """

    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    # Keys the HMAC signature; never shown again after it is set.
    secret = models.CharField(max_length=255)
    # Categories of Event.Category; empty is no event.
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)
    # Start of the current run of failed deliveries (None: the last worked).
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["project"],
                condition=models.Q(active=True),
                name="webhook_active_project_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one hook: the delivery log its owner sees."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RETRYING = "retrying"
        DELIVERED = "delivered"
        FAILED = "failed"

    hook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=25)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt = models.DateTimeField(null=True, blank=True)
    next_attempt = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The exact body sent, kept so that every retry sends the same bytes.
    body = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["hook", "-created"], name="webhook_delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category} to {self.hook_id}: {self.status}"
