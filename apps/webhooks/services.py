"""Writes of the webhooks app: hooks, and the deliveries events cause."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.events.models import Event
from apps.people.models import User
from apps.projects.models import Project
from apps.webhooks.models import Webhook, WebhookDelivery
from apps.webhooks.targets import TargetRefused, check_url
from apps.webhooks.tasks import deliver

CATEGORIES = frozenset(Event.Category.values)


class InvalidWebhook(ValueError):
    """A hook's fields cannot be saved; the message says which and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _checked(url: str, events: Iterable[str]) -> list[str]:
    try:
        check_url(url)
    except TargetRefused as error:
        raise InvalidWebhook("url", str(error)) from None
    wanted = list(dict.fromkeys(events))
    unknown = [e for e in wanted if e not in CATEGORIES]
    if unknown:
        raise InvalidWebhook("events", f"Unknown event category: {unknown[0]!r}.")
    return wanted


def webhook_create(
    *,
    owner: User,
    project: Project | None,
    url: str,
    secret: str,
    events: Iterable[str],
    active: bool = True,
) -> Webhook:
    """Register a hook; permissions are the caller's check (``rules``)."""
    if not secret:
        raise InvalidWebhook("secret", "A secret is required.")
    return Webhook.objects.create(
        owner=owner,
        project=project,
        url=url,
        secret=secret,
        events=_checked(url, events),
        active=active,
    )


def webhook_update(
    *,
    hook: Webhook,
    url: str,
    events: Iterable[str],
    active: bool,
    secret: str = "",
) -> Webhook:
    """Change a hook; an empty ``secret`` keeps the current one.

    Switching a hook back on forgets its failures, so it gets a full day
    again before it is switched off.
    """
    hook.events = _checked(url, events)
    hook.url = url
    if secret:
        hook.secret = secret
    if active and not hook.active:
        hook.failing_since = None
    hook.active = active
    hook.save()
    return hook


def webhook_delete(*, hook: Webhook) -> None:
    hook.delete()


def deliveries_prune(*, now: dt.datetime | None = None) -> int:
    """Delete finished deliveries older than ``WEBHOOK_LOG_DAYS``; return how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.WEBHOOK_LOG_DAYS)
    finished = (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED)
    deleted, _ = WebhookDelivery.objects.filter(
        created__lt=cutoff, status__in=finished
    ).delete()
    return deleted


def deliveries_queue(rows: list[tuple[int, int, str]]) -> list[WebhookDelivery]:
    """Queue a delivery per matching active hook of each (event, project, category).

    Project hooks match their project's events; personal hooks (no project)
    the events about their owner's own patches, covers and series.
    """
    project_ids = {project_id for _, project_id, _ in rows}
    hooks = list(
        Webhook.objects.filter(active=True)
        .filter(Q(project_id__in=project_ids) | Q(project__isnull=True))
        .only("id", "project_id", "owner_id", "events")
    )
    if not hooks:
        return []
    owners = (
        _submitter_users([row[0] for row in rows])
        if any(hook.project_id is None for hook in hooks)
        else {}
    )
    deliveries = [
        WebhookDelivery(hook_id=hook.pk, event_id=event_id, category=category)
        for event_id, project_id, category in rows
        for hook in hooks
        if category in hook.events
        and (
            hook.project_id == project_id
            if hook.project_id is not None
            else hook.owner_id in owners.get(event_id, ())
        )
    ]
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        deliver.enqueue(delivery.pk)
    return deliveries


def _submitter_users(event_ids: list[int]) -> dict[int, set[int]]:
    """Return, per event, the accounts linked to its objects' submitters."""
    owners: dict[int, set[int]] = {}
    for event_id, *users in Event.objects.filter(id__in=event_ids).values_list(
        "id",
        "patch__submitter__user_id",
        "cover__submitter__user_id",
        "series__submitter__user_id",
    ):
        owners[event_id] = {user for user in users if user is not None}
    return owners
