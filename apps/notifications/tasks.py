"""Background jobs of the notifications app (Django's Tasks framework)."""

import logging

from django.tasks import task

from apps.notifications.digest import notifications_collect, notifications_send

logger = logging.getLogger(__name__)


@task
def send_digests() -> list[str]:
    """Queue new state changes and mail the quiet digests; return the failures.

    Runs in ``manage.py worker``; ``manage.py cron`` enqueues it. Each failed
    mail stays queued for the next run (``notifications_send``).
    """
    notifications_collect()
    failures = []
    for failure in notifications_send():
        logger.warning("Failed sending to %s: %s", failure.email, failure.error)
        failures.append(f"{failure.email}: {failure.error}")
    return failures
