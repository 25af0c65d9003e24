"""``manage.py send_notifications``: mail the pending patch-change digests."""

from typing import Any

from django.core.management.base import BaseCommand

from apps.notifications.digest import notifications_collect, notifications_send


class Command(BaseCommand):
    help = (
        "Queue the patch state changes recorded since the last run and mail "
        "each submitter a digest once their changes have been quiet for "
        "NOTIFICATION_DELAY_MINUTES."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        send_notifications(self)


def send_notifications(command: BaseCommand) -> None:
    """Run both steps, reporting each failed mail as upstream's cron does."""
    notifications_collect()
    for failure in notifications_send():
        command.stderr.write(f"Failed sending to {failure.email}: {failure.error}")
