"""The LMTP client, the worker pool and the server's limits, in this process.

``test_lmtp_server.py`` runs the real server as another process, which a
mutation run cannot see into; here the client talks to a scripted server in
a thread, the pool's workers are forked from the test itself, and the
server's protocol runs on the test's event loop (as in ``test_lmtp.py``).
"""

import asyncio
import contextlib
import logging
import os
import signal
import smtplib
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
from tests.ingest.lmtp_conversation import Server
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
        ("lmtp.example.org:65535", ("lmtp.example.org", 65535)),
        ("/run/patchserver/lmtp.sock", ("/run/patchserver/lmtp.sock", 0)),
        ("/odd:name:24", ("/odd:name:24", 0)),
    ],
)
def test_an_address_is_host_and_port_or_a_socket_path(server, address):
    assert parse_address(server) == address


@pytest.mark.parametrize(
    "server",
    ["lmtp.example.org", "2424", "host:", "host:lmtp", "host:-1", "host:65536", ""],
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
    "list_id",
    ["", ".dev", "dev.", "a..b", "two words", "a@b", "zo\u00eb", "<a>", "a\n"],
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
    [
        *((code, 0) for code in (200, 250, 299)),
        *((code, 75) for code in (400, 451, 452, 499)),
        (554, 1),
    ],
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
    assert isinstance(hung_up.value.__cause__, smtplib.SMTPServerDisconnected)


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


def test_an_error_without_words_is_named_by_its_kind(monkeypatch):
    def reset(self, host, port):
        raise ConnectionResetError()

    monkeypatch.setattr(smtplib.LMTP, "connect", reset)
    with pytest.raises(ServerUnavailable) as refused:
        deliver_via_lmtp("127.0.0.1:2525", b"x\n", list_id=None)
    assert str(refused.value) == "ConnectionResetError"


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


# --- the pool: what each worker runs ---------------------------------------------


class FakeConnection:
    """A database connection as the pool's checks see it."""

    def __init__(self, *, opened: bool = True, usable: bool = True, errors=False):
        self.connection = object() if opened else None
        self.usable = usable
        self.errors_occurred = errors
        self.calls: list[str] = []

    def is_usable(self) -> bool:
        self.calls.append("is_usable")
        return self.usable

    def close(self) -> None:
        self.calls.append("close")

    def ensure_connection(self) -> None:
        self.calls.append("ensure_connection")


class FakeConnections:
    def __init__(self, *opened: FakeConnection, default: FakeConnection | None = None):
        self.opened = list(opened)
        self.default = default or FakeConnection()

    def all(self, *, initialized_only: bool = False) -> list[FakeConnection]:
        # Uninitialized aliases would be connected by the check itself.
        assert initialized_only is True
        return self.opened

    def __getitem__(self, alias: str) -> FakeConnection:
        assert alias == "default"
        return self.default


@pytest.mark.parametrize(
    ("state", "idle", "calls", "errors_after"),
    [
        ({"opened": False, "errors": True}, True, [], True),
        ({"usable": True}, False, [], False),
        ({"usable": False}, False, [], False),
        ({"usable": True}, True, ["is_usable"], False),
        ({"usable": False}, True, ["is_usable", "close"], False),
        ({"usable": True, "errors": True}, False, ["is_usable"], False),
        ({"usable": False, "errors": True}, False, ["is_usable", "close"], False),
    ],
)
def test_a_broken_connection_is_replaced_after_idling_or_an_error(
    monkeypatch, state, idle, calls, errors_after
):
    connection = FakeConnection(**state)
    monkeypatch.setattr(lmtp_pool, "connections", FakeConnections(connection))
    lmtp_pool._replace_broken_connections(idle=idle)
    assert connection.calls == calls
    assert connection.errors_occurred is errors_after


def test_every_open_connection_is_checked(monkeypatch):
    never_opened = FakeConnection(opened=False)
    broken = [FakeConnection(usable=False), FakeConnection(usable=False)]
    monkeypatch.setattr(
        lmtp_pool, "connections", FakeConnections(never_opened, *broken)
    )
    lmtp_pool._replace_broken_connections(idle=True)
    assert [c.calls for c in broken] == [["is_usable", "close"]] * 2
    assert never_opened.calls == []


@pytest.fixture
def worker_store(monkeypatch):
    """Run the worker's ``store`` with a stand-in delivery; record what it saw."""
    seen: list[tuple] = []

    def replace(*, idle: bool) -> None:
        seen.append(("idle", idle))

    def deliver(raw, *, list_id, way):
        seen.append(("deliver", raw, list_id, way))
        return Delivered(0, "stored")

    monkeypatch.setattr(lmtp_pool, "_replace_broken_connections", replace)
    monkeypatch.setattr(lmtp_pool, "deliver_mail", deliver)
    monkeypatch.setattr(lmtp_pool, "_last_mail_done", [0.0])
    return seen


def test_a_worker_delivers_as_lmtp_and_checks_its_connection_when_idle(
    worker_store,
):
    now = time.monotonic()
    lmtp_pool._last_mail_done[0] = now - lmtp_pool.IDLE_CHECK_SECONDS - 0.5
    assert lmtp_pool.store(b"mail", "a.b") == Delivered(0, "stored")
    assert worker_store == [("idle", True), ("deliver", b"mail", "a.b", "lmtp")]
    assert metrics.LMTP == "lmtp"
    assert now <= lmtp_pool._last_mail_done[0] <= time.monotonic()


@pytest.mark.parametrize(("waited", "idle"), [(0.0, False), (4.5, False), (5.5, True)])
def test_a_connection_is_idle_after_five_seconds_without_mail(
    worker_store, waited, idle
):
    lmtp_pool._last_mail_done[0] = time.monotonic() - waited
    lmtp_pool.store(b"mail", None)
    assert worker_store[0] == ("idle", idle)
    assert worker_store[1][2] is None


def test_the_idle_time_counts_from_a_mail_that_failed(worker_store, monkeypatch):
    def crash(raw, *, list_id, way):
        raise RuntimeError("boom")

    monkeypatch.setattr(lmtp_pool, "deliver_mail", crash)
    before = time.monotonic()
    with pytest.raises(RuntimeError):
        lmtp_pool.store(b"mail", None)
    assert lmtp_pool._last_mail_done[0] >= before


def test_a_worker_ignores_ctrl_c_and_connects_at_once(monkeypatch):
    default = FakeConnection()
    monkeypatch.setattr(lmtp_pool, "connections", FakeConnections(default=default))
    previous = signal.getsignal(signal.SIGINT)
    try:
        lmtp_pool._start_worker()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert default.calls == ["ensure_connection"]


def test_a_worker_starts_while_the_database_is_down(monkeypatch):
    class Down(FakeConnection):
        def ensure_connection(self) -> None:
            raise ConnectionError("database down")

    monkeypatch.setattr(lmtp_pool, "connections", FakeConnections(default=Down()))
    previous = signal.getsignal(signal.SIGINT)
    try:
        lmtp_pool._start_worker()
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_ready_worker_names_its_process():
    assert lmtp_pool._ready(3) == os.getpid()


def test_warming_up_parses_a_patch_and_leaves_no_connection(monkeypatch):
    parsed = []
    received = []
    real_parse = parsing.parse_bytes

    def parse(raw, *, received_at):
        received.append(received_at)
        parsed.append(real_parse(raw, received_at=received_at))
        return parsed[-1]

    frozen = []
    closed = []
    monkeypatch.setattr(parsing, "parse_bytes", parse)
    monkeypatch.setattr(lmtp_pool.gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(lmtp_pool.connections, "close_all", lambda: closed.append(True))
    lmtp_pool.warm_up()
    assert [mail.subject for mail in parsed] == ["[PATCH 1/2] warm up"]
    assert abs(time.time() - received[0].timestamp()) < 60
    assert closed == [True]
    assert frozen == [True]


# --- the pool: forked workers storing mail ----------------------------------------


@pytest.fixture
def worker_database(transactional_db, tmp_path):
    """The test database, with the project of ``LIST_ID``, as workers reach it.

    Workers store in their own processes, so what the test writes must be
    committed, and the database cannot live in this process's memory (as
    SQLite's test database does by default): it is then copied to a file
    for the duration of the test.
    """
    memory = connections["default"]
    if not (memory.vendor == "sqlite" and memory.is_in_memory_db()):
        yield _project()
        return
    path = tmp_path / "test.sqlite3"
    memory.ensure_connection()
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    # Connections made from now on, in any thread, task or fork, use the
    # copy; this one is set aside until the test ends.
    connections.settings["default"] = {**memory.settings_dict, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield _project()
    finally:
        connections["default"].close()
        connections.settings["default"] = memory.settings_dict
        connections["default"] = memory


def _project():
    return ProjectFactory(linkname="test", listid=LIST_ID)


# Marks a mail on which a worker's parser misbehaves (installed before the
# workers fork, so only they and this test see it).
TROUBLE = "X-Test-Trouble"


@pytest.fixture
def troubled_parser(monkeypatch):
    real_parse = parsing.parse_bytes

    def parse(raw, **kwargs):
        if f"\n{TROUBLE}: killed\n".encode() in raw:
            os.kill(os.getpid(), signal.SIGKILL)
        if f"\n{TROUBLE}: spin\n".encode() in raw:
            while True:
                pass
        if f"\n{TROUBLE}: slow\n".encode() in raw:
            time.sleep(0.5)
        return real_parse(raw, **kwargs)

    monkeypatch.setattr(parsing, "parse_bytes", parse)


@contextlib.contextmanager
def worker_pool(workers: int = 1):
    """A started pool, forked from this test with no database connection open."""
    connections.close_all()
    pool = lmtp_pool.WorkerPool(workers)
    try:
        yield pool
    finally:
        pool.shutdown()


def patch_mail(msgid: str, trouble: str | None = None) -> bytes:
    return make_mail(PATCH, msgid=msgid, headers={TROUBLE: trouble} if trouble else {})


def store_all(pool: lmtp_pool.WorkerPool, *mails: bytes) -> list[Delivered]:
    """Store the mails at once, as concurrent LMTP sessions would."""

    async def together():
        return await asyncio.gather(*(pool.store(raw, LIST_ID) for raw in mails))

    return list(asyncio.run(together()))


def stored_msgids() -> list[str]:
    return list(Patch.objects.order_by("msgid").values_list("msgid", flat=True))


def test_a_worker_process_stores_the_mail(worker_database, troubled_parser):
    with worker_pool() as pool:
        pids = pool.start()
        processes = len(pool._executor._processes)
        [delivered] = store_all(pool, patch_mail("<pool@example.com>"))
    assert processes == 1
    assert pids == [pids[0]]
    assert pids[0] != os.getpid()
    patch = Patch.objects.get()
    assert patch.msgid == "<pool@example.com>"
    assert delivered == Delivered(
        0, f"stored patch <pool@example.com> (id {patch.id})", "patch"
    )


def test_the_pool_starts_as_many_workers_as_asked(worker_database):
    with worker_pool(2) as pool:
        pids = pool.start()
        assert len(pids) == 2
        assert len(pool._executor._processes) == 2
        assert set(pool._executor._processes) >= set(pids)
        # Workers ignore Ctrl-C: the server decides when they stop.
        handler = pool._executor.submit(signal.getsignal, signal.SIGINT)
        assert handler.result(30) == signal.SIG_IGN
        context = pool._executor._mp_context
    assert context.get_start_method() == "fork"


def test_a_mail_over_the_time_limit_is_kept_and_the_worker_serves_on(
    worker_database, troubled_parser, settings, tmp_path
):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    settings.INGEST_MAIL_TIME_LIMIT = 0.2
    spinning = patch_mail("<spin@example.com>", trouble="spin")
    with worker_pool() as pool:
        [limited] = store_all(pool, spinning)
        [after] = store_all(pool, patch_mail("<after@example.com>"))
    assert limited.status == 1
    assert "more than 0.2 s of processor time" in limited.summary
    assert saved_mails(tmp_path / "failed") == [spinning]
    assert after.status == 0
    assert stored_msgids() == ["<after@example.com>"]


def test_a_killed_worker_gets_its_mail_kept_and_retried(
    worker_database, troubled_parser, settings, tmp_path, caplog
):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    killed = patch_mail("<killed@example.com>", trouble="killed")
    queued = patch_mail("<queued@example.com>")
    with worker_pool() as pool:
        [first_pid] = pool.start()
        new_executors = []
        real_new_executor = pool._new_executor

        def new_executor():
            new_executors.append(True)
            return real_new_executor()

        pool._new_executor = new_executor
        died = store_all(pool, killed, queued)
        [second_pid] = pool.start()
        [after] = store_all(pool, queued)
    kept = sorted(saved_mails(tmp_path / "failed"))
    assert kept == sorted([killed, queued])
    names = sorted(path.name for path in (tmp_path / "failed" / "new").iterdir())
    assert sorted(delivered.summary for delivered in died) == [
        f"a worker died storing the mail (kept as {name}), try again" for name in names
    ]
    assert [delivered.status for delivered in died] == [75, 75]
    # One new set of workers, however many mails the dead one held.
    assert new_executors == [True]
    assert second_pid != first_pid
    assert after.status == 0
    assert stored_msgids() == ["<queued@example.com>"]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors.count("An LMTP worker died; starting new workers") == 1
    kept_as = [
        f"A worker died storing a mail; a copy is kept as {tmp_path}/failed/new/{name}"
        for name in names
    ]
    assert sorted(message for message in errors if "a copy" in message) == kept_as


def test_a_lost_mail_that_cannot_be_kept_is_still_a_retry(settings, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.FAILED_MAIL_DIR = blocker / "failed"
    assert lmtp_pool._lost(b"mail") == Delivered(
        75, "a worker died storing the mail, try again"
    )
    [message] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert message.startswith(
        "A worker died storing a mail, which could not be kept: [Errno "
    )
    assert message.endswith(f"Not a directory: '{blocker}/failed/tmp'")


def test_shutting_down_lets_the_workers_finish_their_mail(
    worker_database, troubled_parser, monkeypatch
):
    # The test reads the database from the event loop's thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    async def store_while_shutting_down(pool):
        storing = asyncio.ensure_future(
            pool.store(patch_mail("<slow@example.com>", trouble="slow"), LIST_ID)
        )
        await asyncio.sleep(0.1)
        pool.shutdown()
        try:
            finished_before = stored_msgids()
        finally:
            # This task's own connection; nothing else would close it.
            connections.close_all()
        return await storing, finished_before

    with worker_pool() as pool:
        pids = pool.start()
        delivered, finished_before = asyncio.run(store_while_shutting_down(pool))
    assert delivered.status == 0
    assert finished_before == ["<slow@example.com>"]
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


# --- the server's decisions (apps.ingest.lmtp) -------------------------------------


@pytest.mark.parametrize(("setting", "rejects"), [("accept", False), ("reject", True)])
def test_the_failed_reply_setting_decides_the_policy(setting, rejects):
    assert lmtp.Policy.from_settings([], setting).reject_failed is rejects


def test_bad_settings_are_named_in_the_error():
    with pytest.raises(lmtp.ConfigurationError) as reply:
        lmtp.Policy.from_settings([], "bounce")
    assert str(reply.value) == (
        "PATCHSERVER_LMTP_FAILED_REPLY must be accept or reject, not 'bounce'"
    )
    with pytest.raises(lmtp.ConfigurationError) as recipients:
        lmtp.Policy.from_settings(["a@b.org=x", "list"], "accept")
    assert str(recipients.value) == (
        "PATCHSERVER_LMTP_RECIPIENTS: 'list' is not address=list-id"
    )


def test_a_mapped_address_ends_at_the_first_equals_sign_after_its_domain():
    # Either side may hold "=": VERP and SRS local parts, dot-atom List-Ids;
    # a quoted local part may hold "@" too.
    policy = lmtp.Policy.from_settings(
        [
            "List+a=b@Example.org = dev.example.org",
            "p@example.org=odd=id.example.org",
            '"a@b=c"@example.org=q.example.org',
        ],
        "accept",
    )
    assert policy.recipients == {
        "list+a=b@example.org": "dev.example.org",
        "p@example.org": "odd=id.example.org",
        '"a@b=c"@example.org': "q.example.org",
    }
    for item in ("a=b", "a@b.org=", "a=b@c.org", "@b.org=x", "a@b.org"):
        with pytest.raises(lmtp.ConfigurationError, match="is not address=list-id"):
            lmtp.Policy.from_settings([item], "accept")


def test_the_reserved_domain_is_matched_in_any_case():
    policy = lmtp.Policy({})
    assert policy.list_id_for("Dev.Example.org@LIST-ID.Invalid") == "Dev.Example.org"
    # The domain follows the last "@": a quoted local part may hold one.
    assert policy.list_id_for('"a@b"@list-id.invalid') == '"a@b"'
    assert policy.list_id_for("a@list-id.invalid@example.org") is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("x" * 300, "x" * 300),
        ("x" * 301, "x" * 297 + "..."),
        (" ~\x7f\x1f\t", " ~???"),
    ],
)
def test_reply_text_is_bounded_and_printable(text, shown):
    assert lmtp.printable(text) == shown


def test_the_line_limit_follows_the_size_limit():
    async def limits(max_size):
        server = lmtp.LMTPServer(
            lmtp.Handler(None, lmtp.Policy({})), max_size=max_size, connections=set()
        )
        return server.line_length_limit, server.data_size_limit

    assert asyncio.run(limits(4096)) == (4096, 4096)
    assert asyncio.run(limits(0)) == (32 * 1024 * 1024, None)


ONE_RECIPIENT = ["r0@example.org"]
TWO_RECIPIENTS = ["r0@example.org", "r1@example.org"]


async def stored(raw: bytes, list_id: str | None) -> Delivered:
    return Delivered(0, "stored")


def test_a_line_over_the_limit_is_refused_once_per_recipient():
    async def conversation():
        server = await Server.start(stored, lmtp.Policy({}), max_size=4096)
        client = await server.connect()
        refused = await client.send(b"Subject: x\n\n" + b"y" * 5000, TWO_RECIPIENTS)
        after = await client.command("NOOP")
        server.close()
        return refused, after

    refused, after = asyncio.run(conversation())
    assert (
        refused == ["552 5.3.4 mail larger than 4096 bytes (INGEST_MAX_MAIL_SIZE)"] * 2
    )
    assert after == "250 OK"


def test_data_with_an_argument_is_a_syntax_error_and_the_session_goes_on():
    async def conversation():
        server = await Server.start(stored, lmtp.Policy({}))
        client = await server.connect()
        await client.command("MAIL FROM:<list-bounces@example.org>")
        await client.command("RCPT TO:<r0@example.org>")
        refused = await client.command("DATA now")
        # The envelope stands: DATA without an argument takes the mail.
        accepted = await client.command("DATA")
        client.writer.write(b"Subject: x\r\n\r\nbody\r\n.\r\n")
        delivered = await client.reply()
        server.close()
        return refused, accepted, delivered

    refused, accepted, delivered = asyncio.run(asyncio.wait_for(conversation(), 10))
    assert refused == "501 Syntax: DATA"
    assert accepted.startswith("354 ")
    assert delivered == "250 2.0.0 stored"


def test_without_a_size_limit_a_line_is_still_bounded():
    async def conversation():
        server = await Server.start(stored, lmtp.Policy({}), line_limit=1000)
        client = await server.connect()
        refused = await client.send(b"Subject: x\n\n" + b"y" * 2000, ONE_RECIPIENT)
        after = await client.command("NOOP")
        server.close()
        return refused, after

    refused, after = asyncio.run(conversation())
    assert refused == ["552 5.3.4 a line longer than 1000 bytes"]
    assert after == "250 OK"


def test_other_errors_outside_data_are_left_alone():
    async def conversation():
        server = await Server.start(stored, lmtp.Policy({}), max_size=4096)
        client = await server.connect()
        before = await client.command("BOGUS")
        await client.send(b"Subject: x\n\nbody", ONE_RECIPIENT)
        after = await client.command("BOGUS")
        server.close()
        return before, after

    before, after = asyncio.run(conversation())
    assert before.startswith("500 ")
    assert after.startswith("500 ")


def test_the_server_knows_its_open_connections_and_mails_in_flight():
    seen = []

    async def conversation():
        async def store(raw, list_id):
            seen.append((server.handler.in_flight, len(server.open_connections)))
            await asyncio.sleep(0.05)
            return Delivered(0, "stored")

        server = await Server.start(store, lmtp.Policy({}))
        client, other = await server.connect(), await server.connect()
        replies = await asyncio.gather(
            client.send(b"a", ONE_RECIPIENT), other.send(b"b", ONE_RECIPIENT)
        )
        await client.command("QUIT")
        await other.command("QUIT")
        await asyncio.sleep(0.1)
        left = (server.handler.in_flight, len(server.open_connections))
        server.close()
        return replies, left

    replies, left = asyncio.run(conversation())
    assert replies == [["250 2.0.0 stored"]] * 2
    assert seen == [(1, 2), (2, 2)]
    assert left == (0, 0)


def test_a_failing_store_is_logged_with_its_traceback(caplog):
    async def broken(raw, list_id):
        raise RuntimeError("boom")

    async def conversation():
        server = await Server.start(broken, lmtp.Policy({}))
        client = await server.connect()
        replies = await client.send(b"Subject: x\n\nbody", ONE_RECIPIENT)
        server.close()
        return replies

    assert asyncio.run(conversation()) == ["451 4.3.0 internal error, try again later"]
    [record] = [r for r in caplog.records if r.name == "apps.ingest.lmtp"]
    assert record.getMessage() == "LMTP delivery failed"
    assert record.exc_info[1].args == ("boom",)
