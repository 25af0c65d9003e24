"""``manage.py ingestserver``: deliver mail from a warm process, one fork per mail.

An MTA starts one ``parsemail`` per mail; most of that process's time goes
into starting Python, Django and the database driver. This server pays that
once: it loads everything, then listens on a Unix socket and forks a worker
per mail. Each worker is a separate process, like an ``parsemail`` run: its
own database connection and transaction, the same code (``apps.ingest.delivery``),
the same exit status and the same failed-mail folder; a worker that crashes
takes nothing else down.

``scripts/parsemail.sh`` talks to the server when ``PATCHSERVER_INGEST_SOCKET``
names its socket, and stores the mail itself when the server does not answer.
"""

import contextlib
import gc
import io
import json
import logging
import os
import signal
import socket
import stat
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from apps.ingest import parsing
from apps.ingest.client import PROTOCOL_VERSION
from apps.ingest.delivery import EX_TEMPFAIL, deliver

logger = logging.getLogger(__name__)

# A worker that runs longer than this is stuck (e.g. a lock it never gets
# beyond the lock timeout); it is killed, the client sees no answer and
# stores the mail itself, within the same processor time limit
# (INGEST_MAIL_TIME_LIMIT) that each worker applies.
WORKER_TIMEOUT = 600
EX_SOFTWARE = 70  # sysexits.h: internal error
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_socket() -> str:
    return os.environ.get("PATCHSERVER_INGEST_SOCKET") or str(
        Path(settings.DATA_DIR) / "ingest.sock"
    )


class Command(BaseCommand):
    help = "Serve mail deliveries for scripts/parsemail.sh from a warm process."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--socket",
            dest="socket_path",
            default=None,
            help="Unix socket to listen on (default: $PATCHSERVER_INGEST_SOCKET, "
            "else ingest.sock in the data folder)",
        )
        parser.add_argument(
            "--mode",
            default="660",
            help="permission bits of the socket, octal (default 660: owner and "
            "group may deliver)",
        )
        parser.add_argument(
            "--max-workers",
            type=int,
            default=16,
            help="mails stored at the same time; more wait (default 16)",
        )

    def handle(
        self,
        *args: Any,
        socket_path: str | None,
        mode: str,
        max_workers: int,
        **options: Any,
    ) -> None:
        path = socket_path or default_socket()
        try:
            permissions = int(mode, 8)
        except ValueError as exc:
            raise CommandError(f"--mode must be octal, got {mode!r}") from exc
        _warm_up()
        listener = _listen(path, permissions)
        stopping = []

        def stop(signum: int, frame: object) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info("ingest server listening on %s", path)
        self.stdout.write(f"Listening on {path}")
        workers: set[int] = set()
        server_pid = os.getpid()
        try:
            while not stopping:
                _reap(workers, block=len(workers) >= max_workers)
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                except InterruptedError:
                    continue
                pid = os.fork()
                if pid == 0:
                    _child(listener, conn)
                conn.close()
                workers.add(pid)
        finally:
            listener.close()
            # Only the server removes its socket, never a worker that got here.
            if os.getpid() == server_pid:
                with contextlib.suppress(FileNotFoundError):
                    Path(path).unlink()
            logger.info(
                "ingest server stopped; %d mails still being stored", len(workers)
            )


def _warm_up() -> None:
    """Load what a worker needs, so forks start ready; leave no connection open."""
    sample = (
        b"From: Warm Up <warm@example.com>\nSubject: [PATCH 1/2] warm up\n"
        b"Message-Id: <warm-up@example.com>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
        b"\nText.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    )
    parsing.parse_bytes(sample, received_at=timezone.now())
    connection = connections["default"]
    connection.ops.compiler("SQLCompiler")  # imports the backend's SQL compiler
    connections.close_all()
    # Keep the loaded objects out of the collector's way, so workers do not
    # copy the parent's memory just by collecting garbage.
    gc.freeze()


def _listen(path: str, permissions: int) -> socket.socket:
    target = Path(path)
    if target.exists() or target.is_symlink():
        if not stat.S_ISSOCK(target.lstat().st_mode):
            raise CommandError(f"{path} exists and is not a socket")
        target.unlink()  # left behind by a server that did not stop cleanly
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o777)  # no window where the socket is open to all
    try:
        listener.bind(path)
    finally:
        os.umask(old_umask)
    os.chmod(path, permissions)
    listener.listen(64)
    listener.settimeout(1.0)
    return listener


def _reap(workers: set[int], *, block: bool) -> None:
    """Forget finished workers; with ``block``, wait until one finishes."""
    while workers:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            workers.clear()
            return
        if pid == 0:
            return
        workers.discard(pid)
        block = False


def handle_request(data: bytes) -> dict[str, Any]:
    """Store the mail of one request; return the answer (exit status and log)."""
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        line, _, raw = data.partition(b"\n")
        request = json.loads(line)
        if not isinstance(request, dict) or request.get("version") != PROTOCOL_VERSION:
            raise ValueError(f"unknown request {line[:100]!r}")
        status = deliver(raw, list_id=request.get("list_id") or None)
    except ValueError as exc:
        logger.error("Bad request from a parsemail client: %s", exc)
        status = EX_TEMPFAIL
    finally:
        root.removeHandler(handler)
    return {"status": status, "log": captured.getvalue()}


def _child(listener: socket.socket, conn: socket.socket) -> NoReturn:
    """Run a worker; whatever it raises ends the worker, never the server's loop."""
    try:
        listener.close()
        _serve_one(conn)
    except BaseException:
        with contextlib.suppress(BaseException):
            logger.exception("ingest worker failed")
    os._exit(EX_SOFTWARE)


def _serve_one(conn: socket.socket) -> NoReturn:
    """Worker: read one request, store the mail, answer, and exit."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.alarm(WORKER_TIMEOUT)
    try:
        conn.settimeout(60)
        # Joined once at the end: adding each chunk would copy a large mail
        # again for every megabyte received.
        chunks = []
        while chunk := conn.recv(1 << 20):
            chunks.append(chunk)
        reply = handle_request(b"".join(chunks))
    except OSError as exc:
        reply = {"status": EX_TEMPFAIL, "log": f"could not read the request: {exc}\n"}
    try:
        conn.sendall(json.dumps(reply).encode() + b"\n")
        conn.close()
    except OSError:
        pass  # the client went away; it stores the mail itself
    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
