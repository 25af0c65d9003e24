"""Named reads of webhooks and their delivery logs."""

from django.db.models import Q, QuerySet

from apps.patches.rules import maintained_project_ids
from apps.people.models import User
from apps.projects.models import Project
from apps.webhooks.models import Webhook, WebhookDelivery

LOG_LENGTH = 50


def project_hooks(project: Project) -> QuerySet[Webhook]:
    return Webhook.objects.filter(project=project).select_related("owner")


def personal_hooks(user: User) -> QuerySet[Webhook]:
    return Webhook.objects.filter(owner=user, project__isnull=True)


def manageable_hooks(user: User) -> QuerySet[Webhook]:
    """Return the hooks ``user`` may see and change (``rules.can_manage_hook``)."""
    maintained = maintained_project_ids(user)
    return (
        Webhook.objects.filter(Q(owner=user) | Q(project_id__in=maintained))
        .select_related("owner", "project")
        .order_by("id")
    )


def hook_by_id(pk: int) -> Webhook | None:
    return Webhook.objects.select_related("owner", "project").filter(pk=pk).first()


def delivery_log(hook: Webhook) -> list[WebhookDelivery]:
    """Return the hook's latest deliveries, newest first (bodies not loaded)."""
    return list(WebhookDelivery.objects.filter(hook=hook).defer("body")[:LOG_LENGTH])
