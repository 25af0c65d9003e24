"""Delivering one mail: the contract every way in shares.

``manage.py parsemail`` and ``python -m apps.ingest.cli`` (what
``scripts/parsemail.sh`` runs) call ``deliver`` and pass its status to the
MTA; the workers of ``manage.py lmtpserver`` call ``deliver_mail`` and turn
the same status into an LMTP reply (``apps.ingest.lmtp``). Exit status
(upstream's contract, plus EX_TEMPFAIL):

* 0: stored, duplicate, kept until the mail it answers is stored (see
  ``apps.ingest.pending``), or nothing to store (no project, ignore hint,
  no content);
* 1: the mail cannot be stored (missing or invalid From/Subject/Message-Id,
  larger than ``INGEST_MAX_MAIL_SIZE``, more processor time than
  ``INGEST_MAIL_TIME_LIMIT``, refused by the database, a bug); it is saved
  in the failed-mail folder first;
* 75 (EX_TEMPFAIL): the database is unreachable or busy; nothing was
  stored and the MTA keeps the mail and retries.
"""

import logging
import os
import sys
import time
from dataclasses import dataclass
from typing import NoReturn

from django.db import connections

from apps.ingest import metrics
from apps.ingest.exceptions import MailRefused, TemporaryFailure, Unparseable
from apps.ingest.failed import save_failed_mail
from apps.ingest.limits import Bounds
from apps.ingest.results import Outcome
from apps.ingest.services import ingest_message

logger = logging.getLogger(__name__)

EX_OK = 0
EX_FAILED = 1
EX_TEMPFAIL = 75  # sysexits.h: MTAs keep the mail and retry


def fast_exit(status: int) -> NoReturn:
    """Flush logs and output, close database connections, and end the process."""
    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


@dataclass(frozen=True)
class Delivered:
    """The exit status of one delivery and a line saying what became of the mail."""

    status: int
    summary: str
    # What became of the mail, as the metrics count it.
    outcome: str = ""


def deliver(raw: bytes, *, list_id: str | None) -> int:
    """Ingest one mail, within the bounds, and return the exit status for the MTA."""
    return deliver_mail(raw, list_id=list_id).status


def deliver_mail(
    raw: bytes, *, list_id: str | None, way: str = metrics.PARSEMAIL
) -> Delivered:
    """Ingest one mail, within the bounds; say how it ended and why."""
    started = time.perf_counter()
    delivered = _deliver_mail(raw, list_id=list_id)
    metrics.record(way, delivered.outcome, time.perf_counter() - started)
    return delivered


def _deliver_mail(raw: bytes, *, list_id: str | None) -> Delivered:
    bounds = Bounds.from_settings()
    try:
        bounds.check_size(raw)
        with bounds.cpu_time():
            result = ingest_message(raw, list_id=list_id)
    except TemporaryFailure as exc:
        logger.error("Mail not stored, the MTA should retry it: %s", exc)
        return Delivered(
            EX_TEMPFAIL, f"not stored, try again later: {exc}", metrics.RETRY
        )
    except (Unparseable, MailRefused) as exc:
        return _failed(raw, f"Error when parsing incoming email: {exc}", trace=False)
    except Exception as exc:
        return _failed(raw, f"Error when parsing incoming email: {exc!r}", trace=True)
    if result.outcome is Outcome.DROPPED:
        logger.warning("Nothing added to database (%s)", result.reason)
    elif result.outcome is Outcome.WAITING:
        logger.info("Reply %s", result.describe())
    elif result.outcome.stored:
        logger.info("%s", result.describe())
    return Delivered(EX_OK, result.describe(), metrics.outcome_label(result))


def _failed(raw: bytes, message: str, *, trace: bool) -> Delivered:
    try:
        path = save_failed_mail(raw)
    except OSError as exc:
        logger.error(
            "%s; could not save the mail (%s), the MTA should retry it", message, exc
        )
        return Delivered(
            EX_TEMPFAIL, f"not stored nor kept, try again later: {exc}", metrics.RETRY
        )
    logger.error("%s; mail saved to %s", message, path, exc_info=trace)
    return Delivered(EX_FAILED, f"{message}; kept as {path.name}", metrics.FAILED)
