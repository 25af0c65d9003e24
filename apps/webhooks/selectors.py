"""Named reads of webhooks and their delivery logs."""

from django.db.models import QuerySet

from apps.people.models import User
from apps.projects.models import Project
from apps.webhooks.models import Webhook, WebhookDelivery

LOG_LENGTH = 50


def project_hooks(project: Project) -> QuerySet[Webhook]:
    return Webhook.objects.filter(project=project).select_related("owner")


def personal_hooks(user: User) -> QuerySet[Webhook]:
    return Webhook.objects.filter(owner=user, project__isnull=True)


def hook_by_id(pk: int) -> Webhook | None:
    return Webhook.objects.select_related("owner", "project").filter(pk=pk).first()


def delivery_log(hook: Webhook) -> list[WebhookDelivery]:
    """Return the hook's latest deliveries, newest first (bodies not loaded)."""
    return list(WebhookDelivery.objects.filter(hook=hook).defer("body")[:LOG_LENGTH])
