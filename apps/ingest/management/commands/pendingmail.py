"""``manage.py pendingmail``: the replies waiting for the mail they answer.

Lists them (oldest first) with what each waits for; ``--expire`` stores or
saves to the failed-mail folder those older than ``INGEST_PENDING_DAYS``, as
``manage.py cron`` does on every run.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.ingest.expiry import pending_expire
from apps.ingest.models import PendingMail


class Command(BaseCommand):
    help = (
        "List replies waiting for the mail they answer; --expire gives up on old ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expire",
            action="store_true",
            help="store (on an older known ancestor) or save to the failed-mail "
            "folder the replies waiting longer than INGEST_PENDING_DAYS",
        )

    def handle(self, *args: Any, expire: bool, **options: Any) -> None:
        if expire:
            done = pending_expire()
            self.stdout.write(
                f"Expired: {done.stored} stored, {done.failed} saved to the "
                "failed-mail folder"
            )
        rows = (
            PendingMail.objects.select_related("project")
            .order_by("received", "id")
            .values_list("received", "project__linkname", "msgid", "awaits")
        )
        count = 0
        for received, linkname, msgid, awaits in rows.iterator():
            count += 1
            self.stdout.write(
                f"{received:%Y-%m-%d %H:%M:%S}  {linkname}  {msgid}  waits for {awaits}"
            )
        self.stdout.write(f"{count} replies waiting")
