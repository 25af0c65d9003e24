"""Bounds on what one mail may cost: its size and the processor time spent on it.

Both come from the settings (``INGEST_MAX_MAIL_SIZE``, ``INGEST_MAIL_TIME_LIMIT``)
and apply on every way in (``parsemail``, the LMTP server's workers,
``parsearchive``). A mail over a bound is refused for good: it goes to the
failed-mail folder and the MTA is not asked to retry, since a retry would
cost the same again.
"""

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from apps.ingest.exceptions import MailRefused


@dataclass(frozen=True)
class Bounds:
    """The limits for one run; 0 turns a limit off."""

    max_size: int
    time_limit: float

    @classmethod
    def from_settings(cls) -> "Bounds":
        return cls(
            max_size=settings.INGEST_MAX_MAIL_SIZE,
            time_limit=settings.INGEST_MAIL_TIME_LIMIT,
        )

    def check_size(self, raw: bytes) -> None:
        """Raise ``MailRefused`` for a mail larger than the limit."""
        if self.max_size and len(raw) > self.max_size:
            raise MailRefused(
                f"mail of {len(raw)} bytes is larger than the limit of "
                f"{self.max_size} bytes (INGEST_MAX_MAIL_SIZE)"
            )

    def cpu_time(self) -> contextlib.AbstractContextManager[None]:
        return cpu_time_limit(self.time_limit)


@contextlib.contextmanager
def cpu_time_limit(seconds: float) -> Iterator[None]:
    """Raise ``MailRefused`` once the block used ``seconds`` of processor time.

    Processor time, not elapsed time: waiting for the database or for
    another delivery's lock is bounded by the lock timeout and is worth a
    retry, while a mail that keeps the processor busy would be as slow the
    next time. Counted by a profiling timer, whose signal interrupts Python
    code (regular expressions included) in the main thread; elsewhere, or
    with ``seconds`` 0, nothing is limited.
    """
    usable = hasattr(signal, "setitimer") and (
        threading.current_thread() is threading.main_thread()
    )
    if seconds <= 0 or not usable:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise MailRefused(
            f"mail took more than {seconds:g} s of processor time "
            "(INGEST_MAIL_TIME_LIMIT)"
        )

    previous = signal.signal(signal.SIGPROF, expired)
    # Fires again every second after the first time, so code that catches
    # and ignores the first exception cannot run on without bound.
    signal.setitimer(signal.ITIMER_PROF, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
