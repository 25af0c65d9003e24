"""Storing whole archives: ``ingest_archive``, which ``parsearchive`` adapts.

Mails are stored a batch per transaction (one project lock, one commit per
hundred mails); a batch in which any mail fails is rolled back and replayed
one transaction per mail, so the failing one is saved alone to the
failed-mail folder and the others are stored. A lost database connection is
retried once per mail; a second failure stops the run (``ArchiveStopped``),
everything before it being stored and, for public-inbox, remembered.
"""

import contextlib
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from apps.events.services import events_batched
from apps.ingest import metrics
from apps.ingest.archive import MailSource
from apps.ingest.context import IngestContext
from apps.ingest.exceptions import MailRefused, TemporaryFailure, Unparseable
from apps.ingest.failed import save_failed_mail
from apps.ingest.limits import cpu_time_limit
from apps.ingest.locking import lock_timeout
from apps.ingest.pipeline import ParseAhead, Parsed
from apps.ingest.results import IngestResult, Outcome
from apps.ingest.services import ingest_parsed

logger = logging.getLogger(__name__)

# Mails stored per transaction (see _ingest_batch).
TRANSACTION_BATCH = 100
SQLITE_CACHE_KIB = 128 * 1024

_COUNTED = {
    Outcome.COVER: "covers",
    Outcome.PATCH: "patches",
    Outcome.PATCH_COMMENT: "comments",
    Outcome.COVER_COMMENT: "comments",
    Outcome.DUPLICATE: "duplicates",
    Outcome.DROPPED: "dropped",
    Outcome.WAITING: "waiting",
}


class ArchiveStopped(Exception):
    """The database failed twice for one mail: the run stops, resumable."""


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


@dataclass
class ArchiveSummary:
    """What a run did: mails read, outcomes counted, where failures went."""

    total: int
    counts: Tally = field(default_factory=Tally)
    failed_dir: Path | None = None
    done: int = 0

    def record(self, outcome: IngestResult | Path) -> None:
        if isinstance(outcome, Path):
            self.counts["errors"] += 1
            self.failed_dir = outcome.parent.parent
        else:
            self.counts.add(outcome)
        self.done += 1


def ingest_archive(
    archives: list[MailSource],
    parser: ParseAhead,
    *,
    list_id: str | None,
    on_progress: Callable[[int], None] = lambda done: None,
) -> ArchiveSummary:
    """Store every mail of ``archives``, in order; return what became of them.

    Each source is told how far its mails were handled after every batch
    (public-inbox remembers it). Raises ``ArchiveStopped`` when the database
    stays unreachable, and lets ``OperationalError``/``InterfaceError`` out
    when it is unreachable from the start.
    """
    summary = ArchiveSummary(total=sum(len(archive) for archive in archives))
    with _archive_session() as context:
        for archive in archives:
            mails = parser.parse(archive)
            handled = 0
            while batch := list(itertools.islice(mails, TRANSACTION_BATCH)):
                started = time.perf_counter()
                outcomes = _ingest_batch(batch, list_id, context)
                each = (time.perf_counter() - started) / len(batch)
                for outcome in outcomes:
                    summary.record(outcome)
                    metrics.record(metrics.ARCHIVE, _label(outcome), each)
                handled += len(batch)
                archive.handled(handled)
                on_progress(summary.done)
            archive.handled(handled)
    return summary


def _label(outcome: IngestResult | Path) -> IngestResult | str:
    return metrics.FAILED if isinstance(outcome, Path) else outcome


def _ingest_batch(
    batch: list[Parsed], list_id: str | None, context: IngestContext
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
        else _ingest_one(parsed, list_id, context)
        for parsed in batch
    ]


def _ingest_one(
    parsed: Parsed, list_id: str | None, context: IngestContext
) -> IngestResult | Path:
    """Store one mail; return what became of it, or where it was saved."""
    if parsed.mail is None:
        path = save_failed_mail(parsed.raw)
        reason = parsed.malformed if parsed.malformed is not None else parsed.crash
        logger.warning("Invalid mail: %s; saved to %s", reason, path)
        return path
    for attempt in (1, 2):
        try:
            with cpu_time_limit(settings.INGEST_MAIL_TIME_LIMIT):
                return ingest_parsed(
                    parsed.mail, list_id=list_id, context=context, raw=parsed.raw
                )
        except TemporaryFailure as exc:
            if attempt == 2:
                raise ArchiveStopped(str(exc)) from exc
            # Drop a broken connection so the retry opens a new one; a new
            # session lacks the run's settings, so each transaction sets its
            # own lock timeout from now on.
            if connection.connection is not None and not connection.is_usable():
                connection.close()
            context.session_lock_timeout = False
            time.sleep(1)
        except (Unparseable, MailRefused) as exc:
            path = save_failed_mail(parsed.raw)
            logger.warning("Invalid mail: %s; saved to %s", exc, path)
            return path
        except Exception as exc:  # every mail must end somewhere safe
            path = save_failed_mail(parsed.raw)
            logger.warning("Invalid mail: %r; saved to %s", exc, path, exc_info=True)
            return path
    raise AssertionError("unreachable")  # pragma: no cover


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
        with _sqlite_cache():
            yield context
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


@contextlib.contextmanager
def _sqlite_cache() -> Iterator[None]:
    """Enlarge SQLite's page cache for the run.

    SQLite keeps 2 MB of pages by default: too little for the indexes of a
    database that grows by an archive, and each mail then reads more pages
    back from the disk cache (half the speed at 50,000 mails). Memory is
    taken as pages are used.
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
