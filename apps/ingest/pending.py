"""Replies that came before the mail they answer (``PendingMail``).

Upstream drops such a reply for good; here it waits, raw, for the Message-Id
of its nearest reference, and is stored in the transaction that stores that
mail (which holds the project's ingest lock, as the reply's delivery did, so
a parallel delivery cannot slip between the two). Replies to replies that
wait are released in turn. A reply whose parent never comes expires after
``INGEST_PENDING_DAYS``: upstream's search over all its references decides
then, and what finds no parent goes to the failed-mail folder.
"""

import logging
from collections.abc import Callable

from django.utils import timezone

from apps.ingest import parsing
from apps.ingest.failed import save_failed_mail
from apps.ingest.models import PendingMail
from apps.ingest.parsing import ParsedMail
from apps.ingest.results import IngestResult, Outcome
from apps.patches.sql_rows import fetch, table
from apps.projects.models import Project

logger = logging.getLogger(__name__)

MAX_MSGID = 255
_ANY_WAITING = (
    f"SELECT 1 FROM {table(PendingMail)} "  # noqa: S608 - a fixed name
    "WHERE project_id = %s AND awaits = %s LIMIT 1"
)


def keep_waiting(
    *, project: Project, msgid: str, awaits: str, list_id: str, raw: bytes
) -> bool:
    """Keep a reply until ``awaits`` is stored; False if one with its id waits.

    A second mail with the id of one already waiting is a duplicate, as it
    would be of a stored one: the first stays, unchanged. Callers hold the
    project's ingest lock, so the check cannot race another delivery.
    """
    msgid = msgid[:MAX_MSGID]
    if PendingMail.objects.filter(project=project, msgid=msgid).exists():
        return False
    PendingMail.objects.bulk_create(
        [
            PendingMail(
                project=project,
                msgid=msgid,
                awaits=awaits[:MAX_MSGID],
                list_id=list_id[:MAX_MSGID],
                raw=raw,
                received=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    return True


def any_waiting(project: Project) -> bool:
    """Tell whether any reply of the project waits for its parent."""
    return PendingMail.objects.filter(project=project).exists()


# Stores one released reply: parsed, its raw bytes, project and list id.
StoreReply = Callable[[ParsedMail, bytes, Project, str], IngestResult]


def release_waiting(
    project: Project, msgid: str, store: StoreReply
) -> list[IngestResult]:
    """Store the replies waiting for ``msgid``, and those waiting for them.

    Runs in the transaction that stored ``msgid``. Returns what became of
    each released reply, in the order they were stored. A released reply
    that is not stored after all (it cannot be: its parent is) is saved to
    the failed-mail folder rather than lost.
    """
    released = []
    awaited = [msgid]
    while awaited:
        # Run for every stored mail, almost always finding nothing: fixed
        # SQL on the (project, awaits) index, no query building.
        if not fetch(_ANY_WAITING, [project.pk, awaited[-1]]):
            awaited.pop()
            continue
        rows = list(
            PendingMail.objects.filter(project=project, awaits=awaited.pop())
            .order_by("received", "id")
            .values_list("id", "raw", "received", "list_id")
        )
        PendingMail.objects.filter(pk__in=[row[0] for row in rows]).delete()
        for _, raw, received, list_id in rows:
            raw = bytes(raw)
            parsed = parsing.parse_bytes(raw, received_at=received)
            result = store(parsed, raw, project, list_id)
            released.append(result)
            if result.outcome.stored and result.msgid:
                awaited.append(result.msgid)
            elif result.outcome is Outcome.DROPPED:
                path = save_failed_mail(raw)
                logger.warning(
                    "Released reply not stored (%s); saved to %s",
                    result.describe(),
                    path,
                )
    return released
