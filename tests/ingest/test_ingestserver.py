"""The ingest server and its client: same outcome as parsemail, without the start-up."""

import contextlib
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from apps.ingest.client import ServerUnavailable, deliver_via_server
from apps.ingest.management.commands.ingestserver import handle_request
from apps.patches.models import Patch
from tests.ingest.helpers import LIST_ID, corpus_file, mail_bytes
from tests.ingest.test_parsemail import (
    UNREACHABLE,
    command_env,
    saved_mails,
    wrapper,
)
from tests.paths import REPO


def request(raw: bytes, list_id: str | None = LIST_ID, version: int = 1) -> bytes:
    return json.dumps({"version": version, "list_id": list_id}).encode() + b"\n" + raw


# --- the request handler (what each forked worker runs) ---------------------


@pytest.mark.django_db
def test_request_stores_the_mail_and_returns_status_and_log(test_project):
    reply = handle_request(request(mail_bytes("pull-request.mbox")))
    assert reply["status"] == 0
    assert "stored patch <pull-1@mail.example.org>" in reply["log"]
    assert Patch.objects.count() == 1
    again = handle_request(request(mail_bytes("pull-request.mbox")))
    assert again["status"] == 0
    assert "Duplicate mail for message ID" in again["log"]


@pytest.mark.django_db
def test_unstorable_mail_in_a_request_is_saved(test_project, settings, tmp_path):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    raw = corpus_file("fuzz", "broken-base64-words.mbox").read_bytes()
    reply = handle_request(request(raw))
    assert reply["status"] == 1
    assert "Invalid 'From' header" in reply["log"]
    assert saved_mails(tmp_path / "failed") == [raw]


@pytest.mark.parametrize(
    "data", [request(b"x", version=99), b"not json\nmail", b"[1, 2]\nmail"]
)
def test_bad_requests_ask_for_a_retry(data):
    reply = handle_request(data)
    assert reply["status"] == 75
    assert "Bad request" in reply["log"]


# --- the client --------------------------------------------------------------


def test_client_without_server_reports_it(tmp_path):
    with pytest.raises(ServerUnavailable):
        deliver_via_server(str(tmp_path / "none.sock"), b"mail", list_id=None)


def test_client_rejects_an_unreadable_answer(tmp_path):
    path = str(tmp_path / "garbage.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def answer_garbage():
        conn, _ = server.accept()
        with conn:
            while conn.recv(65536):
                pass
            conn.sendall(b"garbage\n")

    thread = threading.Thread(target=answer_garbage)
    thread.start()
    try:
        with pytest.raises(ServerUnavailable, match="unreadable answer"):
            deliver_via_server(path, b"mail", list_id=None)
    finally:
        thread.join()
        server.close()


@pytest.mark.slow
@pytest.mark.parametrize("vendor", list(UNREACHABLE))
def test_wrapper_stores_directly_when_the_server_is_gone(tmp_path, vendor):
    # The database is unreachable too, so "directly" ends in EX_TEMPFAIL: the
    # point is that the mail is not lost when the server does not answer.
    env = command_env(tmp_path, UNREACHABLE[vendor](tmp_path))
    env["PATCHSERVER_INGEST_SOCKET"] = str(tmp_path / "no-server.sock")
    run = subprocess.run(
        ["scripts/parsemail.sh", "--list-id", LIST_ID],
        input=mail_bytes("pull-request.mbox"),
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = run.stderr.decode()
    assert "storing the mail directly" in stderr
    assert run.returncode == 75, stderr


class FakeServer:
    """A socket answering one delivery as the ingest server would, recording it.

    With ``status`` None it closes the connection without an answer, as when
    the server's worker was stopped.
    """

    def __init__(self, path: str, status: int | None, log: str = ""):
        self.received: list[bytes] = []
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.bind(path)
        self._socket.listen(1)
        self._socket.settimeout(60)
        answer = {"status": status, "log": log}
        self._reply = b"" if status is None else json.dumps(answer).encode() + b"\n"
        self._thread = threading.Thread(target=self._answer, daemon=True)
        self._thread.start()

    def _answer(self):
        try:
            conn, _ = self._socket.accept()
        except OSError:
            return
        with conn:
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
            self.received.append(data)
            conn.sendall(self._reply)

    def close(self):
        self._socket.close()
        self._thread.join(5)


def manage_parsemail(env, raw: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "parsemail", *args],
        input=raw,
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_a_mail_the_server_did_not_answer_is_stored_here_within_the_limit(tmp_path):
    # Three seconds of processor time to read; the limit is one.
    env = command_env(tmp_path, UNREACHABLE["sqlite"](tmp_path))
    env["PATCHSERVER_INGEST_SOCKET"] = str(tmp_path / "ingest.sock")
    env["PATCHSERVER_INGEST_MAIL_TIME_LIMIT"] = "1"
    raw = (
        b"From: A <a@example.com>\nSubject: [PATCH] big\nMessage-Id: <big@x>\n\n"
        b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3000000 +1,3000000 @@\n"
        + b" a\n"
        * 3_000_000
    )
    server = FakeServer(env["PATCHSERVER_INGEST_SOCKET"], None)
    try:
        run = manage_parsemail(env, raw, "--list-id", LIST_ID)
    finally:
        server.close()
    stderr = run.stderr.decode()
    assert server.received  # the server had the mail first
    assert "storing the mail directly" in stderr
    assert run.returncode == 1, stderr
    assert "more than 1 s of processor time" in stderr
    assert saved_mails(tmp_path / "failed") == [raw]


@pytest.mark.slow
def test_manage_py_parsemail_hands_the_mail_to_the_server(tmp_path):
    """With the socket set, the mail goes to the server before Django loads.

    The database is unreachable: storing the mail here would end in 75.
    """
    env = command_env(tmp_path, UNREACHABLE["sqlite"](tmp_path))
    env["PATCHSERVER_INGEST_SOCKET"] = str(tmp_path / "ingest.sock")
    server = FakeServer(env["PATCHSERVER_INGEST_SOCKET"], 0, "stored patch <x@y>\n")
    raw = mail_bytes("pull-request.mbox")
    try:
        run = manage_parsemail(env, raw, "--list-id", LIST_ID)
    finally:
        server.close()
    assert run.returncode == 0, run.stderr.decode()
    assert run.stderr.decode() == "stored patch <x@y>\n"
    header, _, mail = server.received[0].partition(b"\n")
    assert json.loads(header)["list_id"] == LIST_ID
    assert mail == raw


@pytest.mark.slow
@pytest.mark.parametrize(
    ("extra", "status"),
    # Django's command runs: it finds no database (75), or rejects the value.
    [(["--traceback"], 75), (["-v", "9"], 2)],
)
def test_manage_py_parsemail_with_django_options_runs_the_command(
    tmp_path, extra, status
):
    env = command_env(tmp_path, UNREACHABLE["sqlite"](tmp_path))
    env["PATCHSERVER_INGEST_SOCKET"] = str(tmp_path / "ingest.sock")
    server = FakeServer(env["PATCHSERVER_INGEST_SOCKET"], 0, "")
    try:
        run = manage_parsemail(
            env, mail_bytes("pull-request.mbox"), "--list-id", LIST_ID, *extra
        )
    finally:
        server.close()
    assert server.received == []
    assert run.returncode == status, run.stderr.decode()


# --- a live server (PostgreSQL: processes share the committed test database) --


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def running_server(env):
    """Run ``manage.py ingestserver`` with ``env`` until the block ends."""
    socket_path = Path(env["PATCHSERVER_INGEST_SOCKET"])
    server = subprocess.Popen(
        [sys.executable, "manage.py", "ingestserver"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not socket_path.exists():
        assert server.poll() is None, server.stdout.read().decode()
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)
    try:
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert not socket_path.exists()


@pytest.fixture
def ingest_server(tmp_path):
    env = command_env(tmp_path, database_url())
    env["PATCHSERVER_INGEST_SOCKET"] = str(tmp_path / "ingest.sock")
    with running_server(env):
        yield env


@pytest.mark.slow
def test_a_failing_worker_leaves_the_servers_socket_alone(tmp_path):
    # JSON nested deeper than Python's recursion limit fails the worker
    # outside the delivery's own error handling.
    env = command_env(tmp_path, UNREACHABLE["sqlite"](tmp_path))
    path = tmp_path / "ingest.sock"
    env["PATCHSERVER_INGEST_SOCKET"] = str(path)
    with running_server(env) as server:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(60)
            conn.connect(str(path))
            conn.sendall(b"[" * 100_000 + b"\nmail")
            conn.shutdown(socket.SHUT_WR)
            assert conn.recv(100) == b""  # the worker died without answering
        time.sleep(0.5)
        assert path.exists()
        assert server.poll() is None
        # The server still takes mail.
        status, log = deliver_via_server(str(path), b"mail", list_id=None)
        assert (status, "Missing 'From' header" in log) == (1, True)


@pytest.mark.slow
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_ingest_server_delivers_like_parsemail(ingest_server, test_project, tmp_path):
    raw = mail_bytes("utf8-body.mbox")
    first = wrapper(ingest_server, raw, "--list-id", LIST_ID)
    assert first.returncode == 0, first.stderr.decode()
    assert "stored patch" in first.stderr.decode()
    assert Patch.objects.get().submitter.name == "Zoë Łuczak"

    again = wrapper(ingest_server, raw, "--list-id", LIST_ID)
    assert again.returncode == 0
    assert "Duplicate mail for message ID" in again.stderr.decode()
    assert Patch.objects.count() == 1

    broken = corpus_file("fuzz", "broken-base64-words.mbox").read_bytes()
    failed = wrapper(ingest_server, broken, "--list-id", LIST_ID)
    assert failed.returncode == 0  # the wrapper never bounces a mail
    assert "Invalid 'From' header" in failed.stderr.decode()
    assert saved_mails(tmp_path / "failed") == [broken]
    assert "storing the mail directly" not in failed.stderr.decode()
