"""The LMTP client and the worker pool, in this process and its forks.

``test_lmtp_server.py`` runs the real server as another process, which a
mutation run cannot see into; here the client talks to a scripted server in
a thread, and the pool's workers are forked from the test itself.
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from django.db import connections

from apps.ingest import lmtp, lmtp_client, lmtp_pool, metrics, parsing
from apps.ingest.delivery import Delivered
from apps.ingest.lmtp_client import (
    ServerUnavailable,
    deliver_via_lmtp,
    parse_address,
    recipient_for,
)
from apps.patches.models import Patch
from tests.factories import ProjectFactory
from tests.ingest.helpers import LIST_ID, make_mail
from tests.ingest.test_parsemail import saved_mails

PATCH = "A change.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"

# --- the client: addresses -----------------------------------------------------


@pytest.mark.parametrize(
    ("server", "address"),
    [
        ("lmtp.example.org:24", ("lmtp.example.org", 24)),
        ("127.0.0.1:2424", ("127.0.0.1", 2424)),
        ("[::1]:24", ("::1", 24)),
        ("::1:24", ("::1", 24)),
        (":24", ("127.0.0.1", 24)),
        ("[]:24", ("127.0.0.1", 24)),
        ("MX:24", ("MX", 24)),
        ("/run/patchserver/lmtp.sock", ("/run/patchserver/lmtp.sock", 0)),
        ("/odd:name:24", ("/odd:name:24", 0)),
    ],
)
def test_an_address_is_host_and_port_or_a_socket_path(server, address):
    assert parse_address(server) == address


@pytest.mark.parametrize(
    "server", ["lmtp.example.org", "2424", "host:", "host:lmtp", "host:-1", ""]
)
def test_an_address_without_a_port_is_refused(server):
    with pytest.raises(ServerUnavailable, match="is neither HOST:PORT nor a socket"):
        parse_address(server)


@pytest.mark.parametrize(
    ("list_id", "recipient"),
    [
        (None, "patchserver@localhost"),
        ("dev.example.org", "dev.example.org@list-id.invalid"),
        ("a", "a@list-id.invalid"),
        ("x!#$%&'*+/=?^_`{|}~-.Z9", "x!#$%&'*+/=?^_`{|}~-.Z9@list-id.invalid"),
    ],
)
def test_the_recipient_carries_the_list_id(list_id, recipient):
    assert recipient_for(list_id) == recipient


@pytest.mark.parametrize(
    "list_id", ["", ".dev", "dev.", "a..b", "two words", "a@b", "zo\u00eb", "<a>", "a\n"]
)
def test_a_list_id_that_is_no_local_part_is_not_sent(list_id):
    with pytest.raises(ServerUnavailable, match="cannot be sent over LMTP"):
        recipient_for(list_id)


def test_the_client_and_the_server_agree_on_the_reserved_domain():
    assert lmtp_client.LIST_ID_DOMAIN == lmtp.LIST_ID_DOMAIN == "list-id.invalid"


# --- the client: a conversation ------------------------------------------------

# What the scripted server answers, by the client's command; None hangs up.
DEFAULT_SCRIPT: dict[str, bytes | None] = {
    "greeting": b"220 lmtp.test ready",
    "LHLO": b"250-lmtp.test\r\n250 PIPELINING",
    "MAIL": b"250 2.1.0 OK",
    "RCPT": b"250 2.1.5 OK",
    "DATA": b"354 end with <CR><LF>.<CR><LF>",
    "end": b"250 2.0.0 stored patch <x@example.com>",
}


class ScriptedServer:
    """Answers one LMTP client from a script; records what the client sent."""

    def __init__(self, listener: socket.socket, **script: bytes | None):
        self.script = {**DEFAULT_SCRIPT, **script}
        self.commands: list[str] = []
        self.data = b""
        self.client_left = threading.Event()
        self._listener = listener
        self._listener.settimeout(10)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @classmethod
    def on_tcp(cls, **script: bytes | None) -> "ScriptedServer":
        server = cls(socket.create_server(("127.0.0.1", 0)), **script)
        server.address = f"127.0.0.1:{server._listener.getsockname()[1]}"
        return server

    @classmethod
    def on_unix(cls, path: Path, **script: bytes | None) -> "ScriptedServer":
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
        listener.listen()
        server = cls(listener, **script)
        server.address = str(path)
        return server

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            conn, _ = self._listener.accept()
            with conn, conn.makefile("rwb") as stream:
                if self._answer(stream, "greeting") and self._converse(stream):
                    # The client closes its end once it has its answer.
                    conn.settimeout(5)
                    if stream.read() == b"":
                        self.client_left.set()

    def _converse(self, stream) -> bool:
        """Answer the client's commands; return whether the script went on."""
        while line := stream.readline():
            command = line.decode().rstrip("\r\n")
            self.commands.append(command)
            verb = command.split(" ")[0].split(":")[0].upper()
            if not self._answer(stream, verb):
                return False
            if verb == "DATA":
                self.data = self._read_data(stream)
                return self._answer(stream, "end")
        return True

    def _answer(self, stream, step: str) -> bool:
        reply = self.script[step]
        if reply is None:
            return False
        stream.write(reply + b"\r\n")
        stream.flush()
        return True

    @staticmethod
    def _read_data(stream) -> bytes:
        data = b""
        while (line := stream.readline()) not in (b".\r\n", b""):
            data += line
        return data

    def close(self) -> None:
        # Wakes a thread still waiting in accept() (Linux).
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(10)


@pytest.fixture
def scripted():
    servers: list[ScriptedServer] = []

    def start(**script: bytes | None) -> ScriptedServer:
        servers.append(ScriptedServer.on_tcp(**script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_a_stored_mail_is_exit_0_and_the_conversation_is_lmtp(scripted):
    server = scripted()
    raw = b"Subject: x\nMessage-Id: <x@example.com>\r\n\nline\r\n.dot\n"
    status, reply = deliver_via_lmtp(server.address, raw, list_id="dev.example.org")
    assert (status, reply) == (0, "250 2.0.0 stored patch <x@example.com>")
    assert [command.split(" ")[0] for command in server.commands] == [
        "lhlo",
        "mail",
        "rcpt",
        "data",
    ]
    assert server.commands[1:3] == [
        "mail FROM:<>",
        "rcpt TO:<dev.example.org@list-id.invalid>",
    ]
    # Every line ends in CRLF on the wire, and a leading dot is doubled.
    assert server.data == (
        b"Subject: x\r\nMessage-Id: <x@example.com>\r\n\r\nline\r\n..dot\r\n"
    )
    assert server.client_left.wait(5)


def test_without_a_list_id_the_headers_recipient_is_named(scripted):
    server = scripted()
    deliver_via_lmtp(server.address, b"Subject: x\n\nbody\n", list_id=None)
    assert server.commands[2] == "rcpt TO:<patchserver@localhost>"


@pytest.mark.parametrize(
    ("code", "status"),
    [(200, 0), (250, 0), (299, 0), (400, 75), (451, 75), (452, 75), (499, 75)]
    + [(554, 1)],
)
def test_the_reply_to_the_mail_gives_the_exit_status(scripted, code, status):
    server = scripted(end=f"{code} 9.9.9 the server's words".encode())
    assert deliver_via_lmtp(server.address, b"Subject: x\n\nbody\n", list_id=None) == (
        status,
        f"{code} 9.9.9 the server's words",
    )
    assert server.client_left.wait(5)


@pytest.mark.parametrize("code", [199, 300, 354, 399, 500, 550, 552, 553, 555])
def test_any_other_reply_leaves_the_mail_to_the_caller(scripted, code):
    server = scripted(end=f"{code} 5.3.4 mail larger than 4000 bytes".encode())
    with pytest.raises(ServerUnavailable) as refused:
        deliver_via_lmtp(server.address, b"Subject: x\n\nbody\n", list_id=None)
    assert str(refused.value) == (
        f"the server refused the mail: {code} 5.3.4 mail larger than 4000 bytes"
    )
    # Closed even while the caller holds the error (and with it this frame).
    assert server.client_left.wait(5)


def test_reply_text_that_is_not_ascii_is_kept_readable(scripted):
    server = scripted(end=b"451 4.3.0 caf\xc3\xa9 closed")
    status, reply = deliver_via_lmtp(server.address, b"x\n", list_id=None)
    assert (status, reply) == (75, "451 4.3.0 caf\ufffd\ufffd closed")


@pytest.mark.parametrize(
    ("step", "reply", "message"),
    [
        ("MAIL", b"451 4.3.0 busy", "MAIL answered 451 b'4.3.0 busy'"),
        ("RCPT", b"550 5.1.1 no such list", "RCPT answered 550 b'5.1.1 no such list'"),
        ("MAIL", b"251 2.1.0 forwarded", "MAIL answered 251 b'2.1.0 forwarded'"),
        ("RCPT", b"252 2.1.5 maybe", "RCPT answered 252 b'2.1.5 maybe'"),
    ],
)
def test_a_refused_envelope_leaves_the_mail_to_the_caller(
    scripted, step, reply, message
):
    server = scripted(**{step: reply})
    with pytest.raises(ServerUnavailable) as refused:
        deliver_via_lmtp(server.address, b"Subject: x\n\nbody\n", list_id="a.b")
    assert str(refused.value) == message
    assert "data" not in server.commands
    assert server.client_left.wait(5)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("greeting", "Connection unexpectedly closed"),
        ("MAIL", "Connection unexpectedly closed"),
        ("end", "Connection unexpectedly closed"),
    ],
)
def test_a_server_that_hangs_up_leaves_the_mail_to_the_caller(scripted, step, message):
    server = scripted(**{step: None})
    with pytest.raises(ServerUnavailable) as hung_up:
        deliver_via_lmtp(server.address, b"Subject: x\n\nbody\n", list_id=None)
    assert str(hung_up.value) == message
    assert isinstance(hung_up.value.__cause__, OSError | lmtp_client.smtplib.SMTPException)


def test_a_refused_data_command_leaves_the_mail_to_the_caller(scripted):
    server = scripted(DATA=b"554 5.5.1 no valid recipients")
    with pytest.raises(ServerUnavailable) as refused:
        deliver_via_lmtp(server.address, b"Subject: x\n\nbody\n", list_id=None)
    assert str(refused.value) == "(554, b'5.5.1 no valid recipients')"
    assert server.data == b""


def test_no_server_leaves_the_mail_to_the_caller():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(ServerUnavailable, match="Connection refused") as refused:
        deliver_via_lmtp(f"127.0.0.1:{port}", b"x\n", list_id=None)
    assert isinstance(refused.value.__cause__, ConnectionRefusedError)


def test_a_silent_server_is_given_up_after_the_timeout():
    with socket.create_server(("127.0.0.1", 0)) as silent:
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(ServerUnavailable, match="timed out"):
            deliver_via_lmtp(address, b"x\n", list_id=None, timeout=0.3)
    assert time.monotonic() - started < 3


def test_a_list_id_that_cannot_be_sent_is_refused_before_connecting(scripted):
    server = scripted()
    with pytest.raises(ServerUnavailable, match="cannot be sent over LMTP"):
        deliver_via_lmtp(server.address, b"x\n", list_id="two words")
    assert server.commands == []


def test_a_unix_socket_server_takes_the_mail(tmp_path):
    server = ScriptedServer.on_unix(tmp_path / "lmtp.sock")
    try:
        status, reply = deliver_via_lmtp(server.address, b"x\n", list_id=None)
    finally:
        server.close()
    assert (status, reply) == (0, "250 2.0.0 stored patch <x@example.com>")
    assert server.data == b"x\r\n"
