"""Giving up on replies that waited too long for the mail they answer.

Kept apart from ``apps.ingest.pending``, which the ingest service uses to
keep and release waiting replies: expiry runs the ingest service itself.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.ingest.context import IngestContext
from apps.ingest.failed import save_failed_mail
from apps.ingest.locking import lock_project
from apps.ingest.models import PendingMail
from apps.ingest.services import ingest_message

logger = logging.getLogger(__name__)


@dataclass
class Expired:
    """What ``pending_expire`` did: replies stored late, replies saved as failed."""

    stored: int = 0
    failed: int = 0


def pending_expire(*, now: dt.datetime | None = None) -> Expired:
    """Give up waiting for replies older than ``INGEST_PENDING_DAYS``.

    Each is stored if one of its references is known by now (upstream's
    rule), otherwise saved to the failed-mail folder; either way it leaves
    the table in the same transaction, so it is never lost nor stored twice.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.INGEST_PENDING_DAYS)
    done = Expired()
    stale = PendingMail.objects.filter(received__lt=cutoff).order_by("received", "id")
    for pk, project_id in stale.values_list("id", "project_id"):
        with transaction.atomic():
            lock_project(project_id)
            row = PendingMail.objects.filter(pk=pk).first()
            if row is None:  # released or expired by another process meanwhile
                continue
            row.delete()
            raw = bytes(row.raw)
            result = ingest_message(
                raw,
                list_id=row.list_id or None,
                context=IngestContext(expiring=True),
                received_at=row.received,
            )
            if result.outcome.stored:
                done.stored += 1
                continue
            path = save_failed_mail(raw)
            logger.warning(
                "Reply %s waited %d days for %s in vain (%s); saved to %s",
                row.msgid,
                settings.INGEST_PENDING_DAYS,
                row.awaits,
                result.describe(),
                path,
            )
            done.failed += 1
    return done
