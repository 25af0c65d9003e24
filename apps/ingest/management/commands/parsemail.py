"""``manage.py parsemail``: store the mail an MTA pipes in (or a file).

Exit status (upstream's contract, plus EX_TEMPFAIL):

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
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from apps.ingest.exceptions import MailRefused, TemporaryFailure, Unparseable
from apps.ingest.failed import save_failed_mail
from apps.ingest.limits import Bounds
from apps.ingest.services import Outcome, ingest_message

logger = logging.getLogger(__name__)

EX_OK = 0
EX_FAILED = 1
EX_TEMPFAIL = 75  # sysexits.h: MTAs keep the mail and retry


class Command(BaseCommand):
    help = "Store the patch, cover letter or comment contained in one mail."
    # Mail delivery starts a process per mail: skip the system checks, which
    # import every URLconf and admin module (see docs/architecture.md).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "infile",
            nargs="?",
            help="file holding one mail (default: read the mail from stdin)",
        )
        parser.add_argument(
            "--list-id",
            help="store the mail in the project of this list, whatever its headers say",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        """Run from the command line, then leave without interpreter teardown.

        Tearing down ~700 imported modules takes longer than storing the mail
        (a fifth of a second on a small server); an MTA starts one process
        per mail, so once the transaction is committed, connections closed
        and output flushed, exit at once.
        """
        try:
            super().run_from_argv(argv)
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        fast_exit(status)

    def handle(
        self, *args: Any, infile: str | None, list_id: str | None, **options: Any
    ) -> None:
        if infile:
            try:
                raw = Path(infile).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {infile}: {exc.strerror}") from exc
        else:
            raw = sys.stdin.buffer.read()
        sys.exit(deliver(raw, list_id=list_id))


def fast_exit(status: int) -> NoReturn:
    """Flush logs and output, close database connections, and end the process."""
    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def deliver(raw: bytes, *, list_id: str | None) -> int:
    """Ingest one mail, within the bounds, and return the exit status for the MTA."""
    bounds = Bounds.from_settings()
    try:
        bounds.check_size(raw)
        with bounds.cpu_time():
            result = ingest_message(raw, list_id=list_id)
    except TemporaryFailure as exc:
        logger.error("Mail not stored, the MTA should retry it: %s", exc)
        return EX_TEMPFAIL
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
    return EX_OK


def _failed(raw: bytes, message: str, *, trace: bool) -> int:
    try:
        path = save_failed_mail(raw)
    except OSError as exc:
        logger.error(
            "%s; could not save the mail (%s), the MTA should retry it", message, exc
        )
        return EX_TEMPFAIL
    logger.error("%s; mail saved to %s", message, path, exc_info=trace)
    return EX_FAILED
