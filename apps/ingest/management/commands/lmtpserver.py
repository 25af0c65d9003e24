"""``manage.py lmtpserver``: receive mail over LMTP and store it from warm workers.

The MTA delivers to it as to any local delivery agent (Postfix's ``lmtp:``
transport, Exim's ``lmtp`` transport, fetchmail ``--lmtp``); the replies are
described in ``apps.ingest.lmtp``. On SIGTERM (or Ctrl-C) the server stops
listening, lets the mails being stored finish and be answered, closes the
remaining connections (their mails, not yet acknowledged, stay with the MTA)
and exits.
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import stat
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ingest.lmtp import ConfigurationError, Handler, LMTPServer, Policy
from apps.ingest.lmtp_client import host_and_port
from apps.ingest.lmtp_pool import WorkerPool, warm_up

logger = logging.getLogger(__name__)

# Longest wait, on shutdown, for the mails being stored.
DRAIN_SECONDS = 600


class Command(BaseCommand):
    help = "Receive mail over LMTP and store it, from warm worker processes."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--bind",
            default="127.0.0.1:2525",
            help="HOST:PORT to listen on (default 127.0.0.1:2525; port 0: any)",
        )
        where.add_argument("--socket", help="Unix socket to listen on instead")
        parser.add_argument(
            "--mode",
            default="660",
            help="permission bits of the socket, octal (default 660: owner and "
            "group may deliver)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=4,
            help="worker processes storing mail at the same time (default 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        try:
            policy = Policy.from_settings(
                settings.LMTP_RECIPIENTS, settings.LMTP_FAILED_REPLY
            )
            mode = int(options["mode"], 8)
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(
                f"--mode must be octal, not {options['mode']!r}"
            ) from exc
        bind = None
        if not options["socket"]:
            bind = host_and_port(options["bind"])
            if bind is None:
                raise CommandError(f"--bind must be HOST:PORT, not {options['bind']!r}")
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
        warm_up()
        pool = WorkerPool(workers)
        pool.start()
        try:
            asyncio.run(
                serve(Handler(pool.store, policy), bind, options["socket"], mode)
            )
        finally:
            pool.shutdown()
            logger.info("LMTP server stopped")


async def serve(
    handler: Handler, bind: tuple[str, int] | None, path: str | None, mode: int
) -> None:
    """Serve until SIGTERM or SIGINT, then drain and close."""
    loop = asyncio.get_running_loop()
    hostname = socket.gethostname()  # once: aiosmtpd would look it up per connection
    max_size = settings.INGEST_MAX_MAIL_SIZE
    open_connections: set[LMTPServer] = set()

    def protocol() -> LMTPServer:
        return LMTPServer(
            handler,
            max_size=max_size,
            connections=open_connections,
            hostname=hostname,
            loop=loop,
        )

    if path is not None:
        server = await _listen_unix(loop, protocol, path, mode)
        where = path
    else:
        assert bind is not None
        server = await loop.create_server(protocol, bind[0], bind[1])
        port = server.sockets[0].getsockname()[1]
        where = f"{bind[0]}:{port}"
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logger.info("LMTP server listening on %s", where)
    sys.stdout.write(f"Listening on {where}\n")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        server.close()
        handler.stopping = True
        await _drain(handler)
        for connection in list(open_connections):
            if connection.transport is not None:
                connection.transport.close()
        await asyncio.sleep(0)  # let the transports close
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                Path(path).unlink()


async def _drain(handler: Handler) -> None:
    for _ in range(DRAIN_SECONDS * 10):
        if not handler.in_flight:
            return
        await asyncio.sleep(0.1)


async def _listen_unix(
    loop: asyncio.AbstractEventLoop, protocol: Any, path: str, mode: int
) -> asyncio.Server:
    target = Path(path)
    if target.exists() or target.is_symlink():
        if not stat.S_ISSOCK(target.lstat().st_mode):
            raise CommandError(f"{path} exists and is not a socket")
        target.unlink()  # left behind by a server that did not stop cleanly
    old_umask = os.umask(0o777)  # no moment where the socket is open to all
    try:
        server = await loop.create_unix_server(protocol, path)
    finally:
        os.umask(old_umask)
    os.chmod(path, mode)
    return server
