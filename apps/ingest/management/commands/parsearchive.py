"""``manage.py parsearchive``: store every mail of mbox files, Maildirs or public-inbox.

Each mail is ingested in its own transaction; a mail that fails is counted,
saved in the failed-mail folder, and the run goes on. The command exits 0
once the archives were read, whatever happened to single mails; it stops
early (exit 75) only when the database becomes unreachable, since every
following mail would fail too.
"""

import argparse
import contextlib
import datetime as dt
import itertools
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    OutputWrapper,
)
from django.db import InterfaceError, OperationalError, connection, transaction

from apps.events.services import events_batched
from apps.ingest.archive import MailSource, NotAnArchive, open_archive
from apps.ingest.context import IngestContext
from apps.ingest.exceptions import MailRefused, TemporaryFailure, Unparseable
from apps.ingest.failed import save_failed_mail
from apps.ingest.gitmail import GitError
from apps.ingest.limits import Bounds, cpu_time_limit
from apps.ingest.locking import lock_timeout
from apps.ingest.pipeline import ParseAhead, Parsed
from apps.ingest.results import IngestResult, Outcome
from apps.ingest.services import ingest_parsed

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
# Mails stored per transaction (see Command._ingest_batch).
TRANSACTION_BATCH = 100
SQLITE_CACHE_KIB = 128 * 1024
# Loggers whose per-mail messages the verbosity controls (as upstream does:
# the default hides per-mail warnings such as duplicates).
_LOGGERS = ("apps.ingest", "apps.patches.services")
_LEVELS = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.INFO, 3: logging.DEBUG}

_COUNTED = {
    Outcome.COVER: "covers",
    Outcome.PATCH: "patches",
    Outcome.PATCH_COMMENT: "comments",
    Outcome.COVER_COMMENT: "comments",
    Outcome.DUPLICATE: "duplicates",
    Outcome.DROPPED: "dropped",
    Outcome.WAITING: "waiting",
}


class Tally(Counter[str]):
    """Counts for the summary; a reply waiting, then released, counts once."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: set[str | None] = set()

    def add(self, result: IngestResult) -> None:
        self[_COUNTED[result.outcome]] += 1
        if result.outcome is Outcome.WAITING:
            self.waiting.add(result.msgid)
        for released in result.released:
            if not released.outcome.stored:
                continue
            self["comments"] += 1
            if released.msgid in self.waiting:
                self.waiting.discard(released.msgid)
                self["waiting"] -= 1


def since_date(text: str) -> dt.datetime:
    """Read ``--since``: a date (midnight UTC) or an ISO 8601 time."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time"
        ) from exc
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


class Progress:
    """``done/total, rate`` on one terminal line, refreshed a few times a second."""

    def __init__(self, out: OutputWrapper, total: int, *, enabled: bool) -> None:
        self.out = out
        self.total = total
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = 0.0

    def update(self, done: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.shown < 0.25:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-9)
        self.out.write(f"\r{done}/{self.total} mails, {rate:.0f}/s ", ending="")
        self.out.flush()

    def finish(self, done: int) -> None:
        if self.enabled:
            self.update(done, force=True)
            self.out.write("")


class Command(BaseCommand):
    help = (
        "Store the patches, cover letters and comments of mbox files, Maildirs "
        "or public-inbox archives (a public-inbox is read from where the last "
        "run stopped)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="mbox file, Maildir folder or public-inbox archive (v1 or v2)",
        )
        parser.add_argument(
            "--list-id",
            help="store every mail in this list's project, whatever its headers say",
        )
        parser.add_argument(
            "--parse-workers",
            type=int,
            default=1,
            help="helper processes parsing mails ahead while others are stored "
            "(default 1; 0 parses in this process)",
        )
        parser.add_argument(
            "--keep-from-quoting",
            action="store_true",
            help="leave '>From ' lines of mbox files as they are (upstream's "
            "behaviour) instead of undoing mboxrd quoting",
        )
        parser.add_argument(
            "--since",
            type=since_date,
            metavar="DATE",
            help="public-inbox archives: only mail committed at or after DATE "
            "(YYYY-MM-DD, or an ISO 8601 time; UTC unless it names a zone)",
        )

    def handle(
        self,
        *args: Any,
        paths: list[str],
        list_id: str | None,
        keep_from_quoting: bool,
        parse_workers: int,
        since: dt.datetime | None,
        verbosity: int,
        **options: Any,
    ) -> None:
        archives = self._open(
            paths, unquote=not keep_from_quoting, list_id=list_id, since=since
        )
        with (
            _log_levels(_LEVELS.get(verbosity, logging.DEBUG)),
            ParseAhead(parse_workers, Bounds.from_settings()) as parser,
        ):
            logger.info("Parsing %d mails", sum(len(a) for a in archives))
            try:
                with _archive_session() as context:
                    self._run(archives, parser, context, list_id, verbosity)
            except (OperationalError, InterfaceError) as exc:
                self.stderr.write(f"Database unavailable: {exc}".strip())
                sys.exit(EX_TEMPFAIL)
            except GitError as exc:
                raise CommandError(
                    f"{exc}: reading stopped. The mails read before are stored "
                    "and remembered; run the command again once git can read "
                    "the repository."
                ) from exc

    def _run(
        self,
        archives: list[MailSource],
        parser: ParseAhead,
        context: IngestContext,
        list_id: str | None,
        verbosity: int,
    ) -> None:
        total = sum(len(archive) for archive in archives)
        progress = Progress(
            self.stdout,
            total,
            enabled=verbosity > 0 and self.stdout.isatty(),
        )
        counts = Tally()
        failed_dir: Path | None = None
        done = 0
        for archive in archives:
            mails = parser.parse(archive)
            handled = 0
            while batch := list(itertools.islice(mails, TRANSACTION_BATCH)):
                for outcome in self._ingest_batch(batch, list_id, context):
                    if isinstance(outcome, Path):
                        counts["errors"] += 1
                        failed_dir = outcome.parent.parent
                    else:
                        counts.add(outcome)
                    done += 1
                handled += len(batch)
                archive.handled(handled)
                progress.update(done)
            archive.handled(handled)
        progress.finish(done)
        if verbosity > 0:
            self._summary(
                total, counts, failed_dir, time.monotonic() - progress.started
            )

    def _open(
        self,
        paths: list[str],
        *,
        unquote: bool,
        list_id: str | None,
        since: dt.datetime | None,
    ) -> list[MailSource]:
        archives = []
        for name in paths:
            try:
                archives.append(
                    open_archive(
                        Path(name), unquote=unquote, list_id=list_id, since=since
                    )
                )
            except (FileNotFoundError, NotADirectoryError) as exc:
                raise CommandError(f"Invalid path: {name}") from exc
            except NotAnArchive as exc:
                raise CommandError(str(exc)) from exc
        return archives

    def _ingest_batch(
        self, batch: list[Parsed], list_id: str | None, context: IngestContext
    ) -> list[IngestResult | Path]:
        """Store a batch of mails in one transaction; return their outcomes.

        Each mail's writes are still all-or-nothing, and a batch commits as a
        whole: if any mail of it fails, the batch is rolled back and its mails
        are stored one transaction each, so the failing one is saved alone.
        Sharing the transaction (and the project lock) saves most of the
        per-mail round trips to the database.
        """
        stored = [(parsed, parsed.mail) for parsed in batch if parsed.mail is not None]
        outcomes: dict[int, IngestResult | Path] = {}
        context.locks_held = set()
        context.begin()
        try:
            with transaction.atomic(), events_batched():
                for parsed, mail in stored:
                    with cpu_time_limit(settings.INGEST_MAIL_TIME_LIMIT):
                        result = ingest_parsed(
                            mail, list_id=list_id, context=context, raw=parsed.raw
                        )
                    outcomes[id(parsed)] = result
        except Exception:  # replayed one by one below
            outcomes.clear()
        finally:
            context.locks_held = None
        return [
            outcomes[id(parsed)]
            if id(parsed) in outcomes
            else self._ingest_one(parsed, list_id, context)
            for parsed in batch
        ]

    def _ingest_one(
        self, parsed: Parsed, list_id: str | None, context: IngestContext
    ) -> IngestResult | Path:
        """Store one mail; return what became of it, or where it was saved."""
        raw = parsed.raw
        if parsed.mail is None:
            path = save_failed_mail(raw)
            if parsed.malformed is not None:
                logger.warning("Invalid mail: %s; saved to %s", parsed.malformed, path)
            else:
                logger.warning("Invalid mail: %s; saved to %s", parsed.crash, path)
            return path
        for attempt in (1, 2):
            try:
                with cpu_time_limit(settings.INGEST_MAIL_TIME_LIMIT):
                    return ingest_parsed(
                        parsed.mail, list_id=list_id, context=context, raw=raw
                    )
            except TemporaryFailure as exc:
                if attempt == 2:
                    self.stderr.write(
                        f"Stopping: {exc}. Mails read so far are stored; run the "
                        "same command again to continue (stored mails are skipped "
                        "as duplicates)."
                    )
                    sys.exit(EX_TEMPFAIL)
                # Drop a broken connection so the retry opens a new one; a
                # new session lacks the run's settings, so each transaction
                # sets its own lock timeout from now on.
                if connection.connection is not None and not connection.is_usable():
                    connection.close()
                context.session_lock_timeout = False
                time.sleep(1)
            except (Unparseable, MailRefused) as exc:
                path = save_failed_mail(raw)
                logger.warning("Invalid mail: %s; saved to %s", exc, path)
                return path
            except Exception as exc:  # every mail must end somewhere safe
                path = save_failed_mail(raw)
                logger.warning(
                    "Invalid mail: %r; saved to %s", exc, path, exc_info=True
                )
                return path
        raise AssertionError("unreachable")  # pragma: no cover

    def _summary(
        self, total: int, counts: Counter[str], failed_dir: Path | None, seconds: float
    ) -> None:
        new = counts["covers"] + counts["patches"] + counts["comments"]
        lines = [f"Processed {total} messages -->"]
        for label, key in (
            ("cover letters", "covers"),
            ("patches", "patches"),
            ("comments", "comments"),
            ("duplicates", "duplicates"),
            ("dropped", "dropped"),
            ("waiting", "waiting"),
            ("errors", "errors"),
        ):
            lines.append(f"  {counts[key]:4d} {label}")
        lines.append(f"Total: {new} new entries")
        if failed_dir is not None:
            lines.append(f"Mails that failed were saved to {failed_dir}")
        if total and seconds > 0:
            lines.append(f"Took {seconds:.1f} s ({total / seconds:.0f} mails/s)")
        self.stdout.write("\n".join(lines))


@contextlib.contextmanager
def _log_levels(level: int) -> Iterator[None]:
    """Set the per-mail loggers' level for the run, as upstream's verbosity does."""
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    previous = [one.level for one in loggers]
    for one in loggers:
        one.setLevel(level)
    try:
        yield
    finally:
        for one, old in zip(loggers, previous, strict=True):
            one.setLevel(old)


@contextlib.contextmanager
def _archive_session() -> Iterator[IngestContext]:
    """Set the database session up for an archive run; give the run's context.

    On PostgreSQL, commits do not wait for the disk (a crash can lose the
    last fraction of a second of commits, never corrupt anything; running
    the import again stores them), the ingest lock timeout is set once for
    the session instead of once per mail, and every statement is planned.
    Mail delivered one by one (parsemail) keeps full durability. On SQLite
    the page cache is enlarged. Settings are put back after.
    """
    context = IngestContext(archive=True)
    if connection.vendor == "sqlite":
        # SQLite keeps 2 MB of pages by default: too little for the indexes
        # of a database that grows by an archive, and each mail then reads
        # more pages back from the disk cache (half the speed at 50,000
        # mails). Memory is taken as pages are used.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            yield context
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")
        return
    if connection.vendor != "postgresql":
        yield context
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout()])
    context.session_lock_timeout = True
    # No prepared statements (settings.py): the tables grow from nothing
    # while the run's one connection reuses its statements thousands of
    # times, and a plan kept from when they were small scans what has grown
    # since (a 50,000-mail import ran at a third of the speed).
    session = connection.connection
    prepare_threshold = session.prepare_threshold
    session.prepare_threshold = None
    try:
        yield context
    finally:
        session.prepare_threshold = prepare_threshold
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")
            cursor.execute("SET lock_timeout TO DEFAULT")
