"""``manage.py cron``: upstream's periodic job, run every few minutes.

Queues the patch-change digests for ``manage.py worker`` (a slow mail server
then holds up the worker, not the periodic job), then deletes used and
expired confirmation links and the accounts whose registration was never
confirmed, and gives up on replies that waited too long for the mail they
answer (``apps.ingest.expiry``). It also forgets old webhook deliveries and,
with the database queue, finished jobs.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.ingest.expiry import pending_expire
from apps.job_queue import uses_database_queue
from apps.notifications.tasks import send_digests
from apps.people.services import confirmations_expire
from apps.webhooks.services import deliveries_prune


class Command(BaseCommand):
    help = (
        "Queue patch-change notifications and expire old confirmations; run "
        "it every NOTIFICATION_DELAY_MINUTES (e.g. */10 * * * * in crontab)."
    )

    def handle(self, *args: Any, verbosity: int, **options: Any) -> None:
        send_digests.enqueue()
        confirmations, accounts = confirmations_expire()
        expired = pending_expire()
        deliveries = deliveries_prune()
        if uses_database_queue():
            call_command(
                "prune_db_task_results",
                min_age_days=settings.TASKS_RESULT_DAYS,
                verbosity=0,
            )
        if verbosity > 1:
            self.stdout.write(
                f"Deleted {confirmations} confirmations and {accounts} "
                "unconfirmed accounts"
            )
            self.stdout.write(
                f"Expired waiting replies: {expired.stored} stored, "
                f"{expired.failed} saved to the failed-mail folder"
            )
            self.stdout.write(f"Deleted {deliveries} old webhook deliveries")
