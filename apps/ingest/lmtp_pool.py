"""The worker processes of ``manage.py lmtpserver``: Django and the database warm.

The server loads Django and the ingest code once, then forks N workers. Each
stores one mail at a time through ``deliver_mail``, exactly as ``parsemail``
does (same limits, same failed-mail folder, the processor time limit armed
in the worker's main thread), and keeps its database connection open from
one mail to the next: a connection that broke meanwhile (the database was
restarted) is replaced before the next mail rather than failing it, when it
was idle for a while or its last query failed.

A worker that dies (killed for lack of memory, a crash in C code) breaks
the pool: each mail it and the others were storing is copied to the
failed-mail folder (as ``scripts/parsemail.sh`` does when ``parsemail``
dies) and answered 451, so the MTA delivers it again; a fresh pool takes
the next mails.
"""

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.db import connections
from django.utils import timezone

from apps.ingest import metrics, parsing
from apps.ingest.delivery import EX_TEMPFAIL, Delivered, deliver_mail
from apps.ingest.failed import save_failed_mail

logger = logging.getLogger(__name__)

_SAMPLE = (
    b"From: Warm Up <warm@example.com>\nSubject: [PATCH 1/2] warm up\n"
    b"Message-Id: <warm-up@example.com>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
    b"\nText.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
)


# A connection that waited longer than this is checked before its next mail
# (a round trip); one in steady use only when its last query failed.
IDLE_CHECK_SECONDS = 5.0
_last_mail_done = [0.0]


def store(raw: bytes, list_id: str | None) -> Delivered:
    """Store one mail in a worker (what each pool task runs)."""
    idle = time.monotonic() - _last_mail_done[0] > IDLE_CHECK_SECONDS
    _replace_broken_connections(idle=idle)
    try:
        return deliver_mail(raw, list_id=list_id, way=metrics.LMTP)
    finally:
        _last_mail_done[0] = time.monotonic()


def _replace_broken_connections(*, idle: bool) -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue
        if idle or connection.errors_occurred:
            if not connection.is_usable():
                connection.close()
            connection.errors_occurred = False


def _start_worker() -> None:
    # The server decides when workers stop (after their mail): Ctrl-C in a
    # terminal, sent to the whole process group, must not cut a delivery
    # short. SIGTERM stays deadly: it is how a broken pool ends its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Connect now rather than at the first mail; a database that is down
    # is found by that mail, which is then answered 451.
    with contextlib.suppress(Exception):
        connections["default"].ensure_connection()


def _ready(_index: int) -> int:
    return os.getpid()


def warm_up() -> None:
    """Load what a worker needs before forking; leave no connection open."""
    parsing.parse_bytes(_SAMPLE, received_at=timezone.now())
    connections["default"].ops.compiler("SQLCompiler")  # imports the SQL compiler
    connections.close_all()
    # Keep the loaded objects out of the collector's way, so that workers do
    # not copy the server's memory just by collecting garbage.
    gc.freeze()


class WorkerPool:
    """N forked worker processes storing mail for the event loop."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
        )

    def start(self) -> list[int]:
        """Fork every worker now, before the server starts any thread."""
        return list(self._executor.map(_ready, range(self.workers)))

    async def store(self, raw: bytes, list_id: str | None) -> Delivered:
        executor = self._executor
        try:
            return await asyncio.wrap_future(executor.submit(store, raw, list_id))
        except BrokenProcessPool:
            if executor is self._executor:
                logger.error("An LMTP worker died; starting new workers")
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()
            return _lost(raw)

    def shutdown(self) -> None:
        """Let the workers finish the mails they hold, then end them."""
        self._executor.shutdown(wait=True)


def _lost(raw: bytes) -> Delivered:
    try:
        path = save_failed_mail(raw)
    except OSError as exc:
        logger.error("A worker died storing a mail, which could not be kept: %s", exc)
        return Delivered(EX_TEMPFAIL, "a worker died storing the mail, try again")
    logger.error("A worker died storing a mail; a copy is kept as %s", path)
    return Delivered(
        EX_TEMPFAIL, f"a worker died storing the mail (kept as {path.name}), try again"
    )
