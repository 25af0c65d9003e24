"""One HTTP POST to a checked address, bounded in time and size.

``http.client`` follows no redirects, which is what a webhook wants: a
redirect could point anywhere, including where ``targets`` refuses to go.
"""

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass

from django.conf import settings

from apps.webhooks.targets import Target

# Bytes of the response read (and kept for the log); the rest is dropped.
RESPONSE_LIMIT = 4096


class SendFailed(Exception):
    """No HTTP response: the connection failed, timed out or broke."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header keeps the name."""

    address: str

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, verifying the certificate for the host name (SNI)."""

    address: str

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(sock, server_hostname=self.host)


def _abort(connection: http.client.HTTPConnection) -> None:
    # shutdown() wakes a thread blocked on the socket; close() would not.
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def post(target: Target, body: bytes, headers: dict[str, str]) -> Reply:
    """POST ``body``; give up after ``WEBHOOK_TIMEOUT`` seconds in all."""
    timeout = settings.WEBHOOK_TIMEOUT
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target.host, target.port, timeout=timeout)
    connection.address = target.address
    # Each socket operation has its own timeout; this bounds the whole
    # exchange, so a receiver dripping a byte at a time cannot hold a worker.
    watchdog = threading.Timer(timeout, _abort, args=(connection,))
    watchdog.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.read(RESPONSE_LIMIT))
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise SendFailed(str(error) or type(error).__name__) from None
    finally:
        watchdog.cancel()
        connection.close()
