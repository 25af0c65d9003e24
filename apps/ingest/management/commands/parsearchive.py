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
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    OutputWrapper,
)
from django.db import InterfaceError, OperationalError

from apps.ingest.archive import MailSource, NotAnArchive, open_archive
from apps.ingest.archive_run import ArchiveStopped, ArchiveSummary, ingest_archive
from apps.ingest.gitmail import GitError
from apps.ingest.limits import Bounds
from apps.ingest.pipeline import ParseAhead

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
# Loggers whose per-mail messages the verbosity controls (as upstream does:
# the default hides per-mail warnings such as duplicates).
_LOGGERS = ("apps.ingest", "apps.patches.services")
_LEVELS = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.INFO, 3: logging.DEBUG}


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

    def elapsed(self) -> float:
        return time.monotonic() - self.started

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
            total = sum(len(archive) for archive in archives)
            logger.info("Parsing %d mails", total)
            progress = Progress(
                self.stdout, total, enabled=verbosity > 0 and self.stdout.isatty()
            )
            try:
                summary = ingest_archive(
                    archives, parser, list_id=list_id, on_progress=progress.update
                )
            except (OperationalError, InterfaceError) as exc:
                self.stderr.write(f"Database unavailable: {exc}".strip())
                sys.exit(EX_TEMPFAIL)
            except ArchiveStopped as exc:
                self.stderr.write(
                    f"Stopping: {exc}. Mails read so far are stored; run the "
                    "same command again to continue (stored mails are skipped "
                    "as duplicates)."
                )
                sys.exit(EX_TEMPFAIL)
            except GitError as exc:
                raise CommandError(
                    f"{exc}: reading stopped. The mails read before are stored "
                    "and remembered; run the command again once git can read "
                    "the repository."
                ) from exc
        progress.finish(summary.done)
        if verbosity > 0:
            self._summary(summary, progress.elapsed())

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

    def _summary(self, summary: ArchiveSummary, seconds: float) -> None:
        total, counts, failed_dir = summary.total, summary.counts, summary.failed_dir
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
