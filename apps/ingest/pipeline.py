"""Parse the next mails of an archive in a helper process while these are stored.

Parsing is pure Python and needs no database, so a second process can do it
ahead of the one that writes (which must write in archive order). Mails go
in batches, two at most in flight, so memory stays bounded whatever the
archive's size.
"""

import datetime as dt
import functools
import itertools
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import Pool

from apps.ingest import parsing
from apps.ingest.exceptions import MailRefused
from apps.ingest.limits import Bounds
from apps.ingest.parsing import MalformedMail, ParsedMail

BATCH = 256


@dataclass(frozen=True)
class Parsed:
    """One mail of the archive: its bytes and what parsing made of them."""

    raw: bytes
    mail: ParsedMail | None = None
    malformed: str | None = None  # why the mail cannot be stored
    crash: str | None = None  # an unexpected parser error (a bug)


def parse_one(raw: bytes, bounds: Bounds | None = None) -> Parsed:
    """Parse one mail; with ``bounds``, refuse it when it is over them."""
    try:
        if bounds is None:
            mail = parsing.parse_bytes(raw, received_at=dt.datetime.now(dt.UTC))
        else:
            bounds.check_size(raw)
            with bounds.cpu_time():
                mail = parsing.parse_bytes(raw, received_at=dt.datetime.now(dt.UTC))
        return Parsed(raw, mail)
    except (MalformedMail, MailRefused) as exc:
        return Parsed(raw, malformed=str(exc))
    except Exception as exc:  # reported and saved by the caller, like any failure
        return Parsed(raw, crash=repr(exc))


class ParseAhead:
    """Parse mails in ``workers`` helper processes (0: in this process).

    Use as a context manager; the helpers are forked on entry. They only
    parse: they never touch the database connection they may inherit, and
    they end without running any clean-up that could close it (the pool
    terminates them). Only where the platform forks; elsewhere parsing
    stays in this process.
    """

    def __init__(self, workers: int = 1, bounds: Bounds | None = None) -> None:
        forks = "fork" in multiprocessing.get_all_start_methods()
        self.workers = workers if forks else 0
        self.pool: Pool | None = None
        self.parse_one = functools.partial(parse_one, bounds=bounds)

    def __enter__(self) -> "ParseAhead":
        if self.workers > 0:
            self.pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def parse(self, mails: Iterable[bytes]) -> Iterator[Parsed]:
        """Yield every mail of ``mails`` parsed, in order."""
        if self.pool is None:
            yield from map(self.parse_one, mails)
            return
        source = iter(mails)
        pending = None
        while batch := list(itertools.islice(source, BATCH)):
            # The helpers parse this batch while the caller stores the last.
            submitted = self.pool.map_async(self.parse_one, batch)
            if pending is not None:
                yield from pending.get()
            pending = submitted
        if pending is not None:
            yield from pending.get()
