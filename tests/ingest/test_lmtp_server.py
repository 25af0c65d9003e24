"""``manage.py lmtpserver`` as an MTA meets it: a real server, ``smtplib.LMTP``.

Each test copies one migrated SQLite file (with the project of ``LIST_ID``),
runs the server on it and reads the file back with ``sqlite3``, so these
tests run the same whatever database the rest of the suite uses.
"""

import contextlib
import os
import random
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.ingest.helpers import make_mail
from tests.ingest.test_parsemail import saved_mails
from tests.paths import REPO

pytestmark = pytest.mark.slow

LIST_ID = "lmtp.example.com"
RECIPIENT = f"{LIST_ID}@list-id.invalid"
PATCHES = 8


def manage(env: dict, *args: str) -> None:
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()


def base_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=f"sqlite:///{database}"
    )
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    database = tmp_path_factory.mktemp("lmtp") / "patchserver.sqlite3"
    env = base_env(database)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(
        env,
        *("createproject", "--linkname", "lmtp", "--name", "LMTP"),
        *("--list-id", LIST_ID, "--list-email", "lmtp@example.com"),
    )
    return database


class Site:
    """A copy of the migrated database, and the environment of its processes."""

    def __init__(self, migrated: Path, tmp_path: Path):
        self.database = tmp_path / "patchserver.sqlite3"
        shutil.copyfile(migrated, self.database)
        self.failed = tmp_path / "failed"
        self.log = tmp_path / "server.log"
        self.env = base_env(self.database)
        self.env["PATCHSERVER_FAILED_MAIL_DIR"] = str(self.failed)

    def rows(self, sql: str) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            return db.execute(sql).fetchall()


@pytest.fixture
def site(migrated, tmp_path):
    return Site(migrated, tmp_path)


@contextlib.contextmanager
def lmtp_server(site: Site, *args: str, **env: str):
    """Run ``manage.py lmtpserver ARGS``; yield its address (HOST:PORT or path)."""
    with site.log.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "lmtpserver", *args],
            cwd=REPO,
            env={**site.env, **env},
            stdout=subprocess.PIPE,
            stderr=log,
        )
    try:
        line = server.stdout.readline().decode()
        assert line.startswith("Listening on "), site.log.read_text()
        yield line.removeprefix("Listening on ").strip()
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, site.log.read_text()
        server.stdout.close()


def connect(address: str) -> smtplib.LMTP:
    if address.startswith("/"):
        client = smtplib.LMTP(address, timeout=120)
    else:
        host, _, port = address.rpartition(":")
        client = smtplib.LMTP(host, int(port), timeout=120)
    assert client.ehlo()[0] == 250  # LHLO
    return client


def send(address: str, raw: bytes, *recipients: str) -> tuple[int, str]:
    """Deliver one mail on a new connection; return the (first) data reply."""
    client = connect(address)
    try:
        return send_on(client, raw, *recipients)
    finally:
        client.quit()


def send_on(client: smtplib.LMTP, raw: bytes, *recipients: str) -> tuple[int, str]:
    assert client.mail("list-bounces@example.org")[0] == 250
    for recipient in recipients or (RECIPIENT,):
        assert client.rcpt(recipient)[0] == 250
    code, text = client.data(raw.replace(b"\n", b"\r\n"))
    return code, text.decode()


def patch_mail(msgid: str, **kwargs) -> bytes:
    return make_mail(
        "A change.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
        msgid=msgid,
        **kwargs,
    )


def series() -> list[bytes]:
    cover = "<lmtp-0@example.com>"
    mails = [make_mail("The series.", msgid=cover, subject=f"[PATCH 0/{PATCHES}] All")]
    for number in range(1, PATCHES + 1):
        path = f"f{number}.c"
        mails.append(
            make_mail(
                f"Change {number}.\n---\ndiff --git a/{path} b/{path}\n"
                f"--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-a\n+b\n",
                msgid=f"<lmtp-{number}@example.com>",
                subject=f"[PATCH {number}/{PATCHES}] part {number}",
                headers={"In-Reply-To": cover, "References": cover},
            )
        )
    for number in (1, 2):
        parent = f"<lmtp-{number}@example.com>"
        mails.append(
            make_mail(
                "Reviewed-by: R <r@example.com>",
                msgid=f"<lmtp-r{number}@example.com>",
                subject="Re: part",
                headers={"In-Reply-To": parent, "References": f"{cover} {parent}"},
            )
        )
    return mails


# --- acceptance -------------------------------------------------------------


def test_a_series_over_four_connections(site):
    mails = series()
    random.Random(4).shuffle(mails)  # noqa: S311  # replies may come before their patches
    replies: list[tuple[int, str]] = []

    def deliver(share: list[bytes], address: str) -> None:
        client = connect(address)
        try:
            replies.extend(send_on(client, raw) for raw in share)
        finally:
            client.quit()

    with lmtp_server(site, "--bind", "127.0.0.1:0", "--workers", "4") as address:
        threads = [
            threading.Thread(target=deliver, args=(mails[i::4], address))
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert [code for code, _ in replies] == [250] * len(mails), replies
    assert site.rows("SELECT count(*), max(total) FROM patches_series") == [
        (1, PATCHES)
    ]
    numbers = site.rows("SELECT number FROM patches_patch ORDER BY number")
    assert numbers == [(n,) for n in range(1, PATCHES + 1)]
    assert site.rows("SELECT count(*) FROM patches_cover") == [(1,)]
    assert site.rows("SELECT count(*) FROM patches_patchcomment") == [(2,)]
    assert not site.failed.exists()


def test_a_mail_while_the_database_is_down_is_retried_and_stored_once(site):
    raw = patch_mail("<while-locked@example.com>")
    with lmtp_server(
        site, "--workers", "1", "--bind", "127.0.0.1:0", SQLITE_TIMEOUT="1"
    ) as address:
        with contextlib.closing(
            sqlite3.connect(site.database, isolation_level=None)
        ) as other:
            other.execute("BEGIN IMMEDIATE")  # holds the database past the timeout
            refused = send(address, raw)
            other.execute("ROLLBACK")
        assert site.rows("SELECT count(*) FROM patches_patch") == [(0,)]
        stored = send(address, raw)
        again = send(address, raw)
    assert refused[0] == 451, refused
    assert "database is locked" in refused[1]
    assert stored[0] == 250
    assert stored[1].startswith("2.0.0 stored patch <while-locked@example.com>")
    assert again == (
        250,
        "2.0.0 duplicate of an already stored mail <while-locked@example.com>",
    )
    assert site.rows("SELECT msgid FROM patches_patch") == [
        ("<while-locked@example.com>",)
    ]
    assert not site.failed.exists()


def test_an_oversized_mail_is_refused_and_the_next_one_stored(site):
    big = patch_mail("<big@example.com>", headers={"X-Padding": "p" * 5000})
    with lmtp_server(
        site, "--bind", "127.0.0.1:0", PATCHSERVER_INGEST_MAX_MAIL_SIZE="4000"
    ) as address:
        refused = send(address, big)
        stored = send(address, patch_mail("<small@example.com>"))
    assert refused == (552, "5.3.4 mail larger than 4000 bytes (INGEST_MAX_MAIL_SIZE)")
    assert stored[0] == 250
    assert site.rows("SELECT msgid FROM patches_patch") == [("<small@example.com>",)]


def test_a_mail_over_the_time_limit_is_kept_and_the_worker_serves_on(site):
    # Three seconds of processor time to read; the limit is one.
    slow = (
        b"From: A <a@example.com>\nSubject: [PATCH] slow\nMessage-Id: <slow@x>\n\n"
        b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3000000 +1,3000000 @@\n"
        + b" a\n"
        * 3_000_000
    )
    with lmtp_server(
        site,
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "1",
        PATCHSERVER_INGEST_MAIL_TIME_LIMIT="1",
    ) as address:
        reply = send(address, slow)
        after = send(address, patch_mail("<after-slow@example.com>"))
    assert reply[0] == 250
    assert reply[1].startswith("2.0.0 not stored, kept for the administrator: ")
    assert "more than 1 s of processor time" in reply[1]
    assert saved_mails(site.failed) == [slow]
    assert after[0] == 250
    assert site.rows("SELECT msgid FROM patches_patch") == [
        ("<after-slow@example.com>",)
    ]


CRASH = {"DJANGO_SETTINGS_MODULE": "tests.ingest.lmtp_crash_settings"}


@pytest.mark.parametrize(
    ("setting", "code", "text"),
    [
        ("accept", 250, "2.0.0 not stored, kept for the administrator: "),
        ("reject", 554, "5.6.0 not stored: "),
    ],
)
def test_a_parser_crash_keeps_the_mail_and_answers_as_configured(
    site, setting, code, text
):
    raw = patch_mail("<crash@example.com>", headers={"X-Test-Crash": "parser"})
    with lmtp_server(
        site, "--bind", "127.0.0.1:0", PATCHSERVER_LMTP_FAILED_REPLY=setting, **CRASH
    ) as address:
        reply = send(address, raw)
        after = send(address, patch_mail("<after-crash@example.com>"))
    assert reply[0] == code
    assert reply[1].startswith(text + "Error when parsing incoming email: ")
    assert "the parser crashed" in reply[1]
    assert saved_mails(site.failed) == [raw]
    assert after[0] == 250
    assert "Traceback" in site.log.read_text()


def test_a_worker_that_dies_gets_a_retry_and_a_copy_kept(site):
    raw = patch_mail("<killer@example.com>", headers={"X-Test-Crash": "worker"})
    with lmtp_server(
        site, "--bind", "127.0.0.1:0", "--workers", "2", **CRASH
    ) as address:
        died = send(address, raw)
        after = send(address, patch_mail("<after-death@example.com>"))
    assert died[0] == 451
    assert "a worker died storing the mail" in died[1]
    assert saved_mails(site.failed) == [raw]
    assert after[0] == 250
    assert site.rows("SELECT msgid FROM patches_patch") == [
        ("<after-death@example.com>",)
    ]


def test_the_server_survives_a_client_leaving_mid_data(site):
    with lmtp_server(site, "--bind", "127.0.0.1:0") as address:
        host, _, port = address.rpartition(":")
        with socket.create_connection((host, int(port)), timeout=30) as raw_client:
            for line in (
                b"LHLO test\r\n",
                b"MAIL FROM:<a@example.org>\r\n",
                f"RCPT TO:<{RECIPIENT}>\r\n".encode(),
                b"DATA\r\n",
            ):
                raw_client.sendall(line)
            raw_client.sendall(patch_mail("<half@example.com>")[:120])
        stored = send(address, patch_mail("<whole@example.com>"))
    assert stored[0] == 250
    assert site.rows("SELECT msgid FROM patches_patch") == [("<whole@example.com>",)]


def test_a_unix_socket_server_stops_cleanly_on_sigterm(site, tmp_path):
    path = tmp_path / "lmtp.sock"
    with lmtp_server(site, "--socket", str(path)) as address:
        assert address == str(path)
        assert oct(path.stat().st_mode & 0o777) == "0o660"
        reply = send(address, patch_mail("<unix@example.com>"))
    assert reply[0] == 250
    assert not path.exists()  # removed on the way out; the exit status was 0


def test_bad_options_are_reported(site):
    for args, message in (
        (["--workers", "0"], "--workers must be at least 1"),
        (["--bind", "nowhere"], "--bind must be HOST:PORT"),
        (["--mode", "rw"], "--mode must be octal"),
    ):
        run = subprocess.run(
            [sys.executable, "manage.py", "lmtpserver", *args],
            cwd=REPO,
            env=site.env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 1
        assert message in run.stderr.decode()
    run = subprocess.run(
        [sys.executable, "manage.py", "lmtpserver"],
        cwd=REPO,
        env={**site.env, "PATCHSERVER_LMTP_FAILED_REPLY": "bounce"},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert "must be accept or reject" in run.stderr.decode()


# --- the MTA wrapper (scripts/parsemail.sh) and manage.py parsemail ------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client_env(site: Site, server: str, *, database: str | None = None) -> dict:
    """The delivering process's environment; by default it has no database."""
    unreachable = f"sqlite:///{site.database.parent}/no-such-folder/db.sqlite3"
    return {
        **site.env,
        "DATABASE_URL": database or unreachable,
        "PATCHSERVER_LMTP_SERVER": server,
    }


def run(command: list[str], env: dict, raw: bytes, *args: str):
    return subprocess.run(
        [*command, *args],
        input=raw,
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


WRAPPER = ["scripts/parsemail.sh"]
MANAGE = [sys.executable, "manage.py", "parsemail"]


def wrapper_copies(site: Site) -> list[Path]:
    return list((site.failed / "tmp").iterdir())


def test_the_wrapper_hands_the_mail_to_the_server(site):
    raw = patch_mail("<handed@example.com>")
    with lmtp_server(site, "--bind", "127.0.0.1:0") as address:
        # Storing the mail itself would fail: it has no database.
        handed = run(WRAPPER, client_env(site, address), raw, "--list-id", LIST_ID)
        again = run(MANAGE, client_env(site, address), raw, "--list-id", LIST_ID)
    stderr = handed.stderr.decode()
    assert handed.returncode == 0, stderr
    assert f"{address} answered 250 2.0.0 stored patch <handed@example.com>" in stderr
    assert again.returncode == 0, again.stderr.decode()
    assert "duplicate of an already stored mail" in again.stderr.decode()
    assert site.rows("SELECT msgid FROM patches_patch") == [("<handed@example.com>",)]
    assert wrapper_copies(site) == []
    assert saved_mails(site.failed) == []


@pytest.mark.parametrize("command", [WRAPPER, MANAGE])
def test_without_a_server_the_mail_is_stored_directly(site, command):
    env = client_env(
        site, f"127.0.0.1:{closed_port()}", database=site.env["DATABASE_URL"]
    )
    run_ = run(command, env, patch_mail("<direct@example.com>"), "--list-id", LIST_ID)
    stderr = run_.stderr.decode()
    assert run_.returncode == 0, stderr
    assert "did not take the mail" in stderr
    assert "storing the mail directly" in stderr
    assert site.rows("SELECT msgid FROM patches_patch") == [("<direct@example.com>",)]


def test_a_retry_from_the_server_is_a_retry_from_the_wrapper(site):
    with (
        lmtp_server(site, "--bind", "127.0.0.1:0", SQLITE_TIMEOUT="1") as address,
        contextlib.closing(sqlite3.connect(site.database, isolation_level=None)) as db,
    ):
        db.execute("BEGIN IMMEDIATE")
        handed = run(
            WRAPPER,
            client_env(site, address),
            patch_mail("<r@x>"),
            "--list-id",
            LIST_ID,
        )
        db.execute("ROLLBACK")
    assert handed.returncode == 75, handed.stderr.decode()
    assert "answered 451 4.3.0" in handed.stderr.decode()
    assert wrapper_copies(site) == []  # the MTA keeps the mail
    assert saved_mails(site.failed) == []


def test_a_rejected_mail_is_kept_once_and_done_for_the_wrapper(site):
    raw = patch_mail("<rejected@example.com>", headers={"X-Test-Crash": "parser"})
    with lmtp_server(
        site, "--bind", "127.0.0.1:0", PATCHSERVER_LMTP_FAILED_REPLY="reject", **CRASH
    ) as address:
        handed = run(WRAPPER, client_env(site, address), raw)
    assert handed.returncode == 0, handed.stderr.decode()
    assert "answered 554 5.6.0 not stored" in handed.stderr.decode()
    assert saved_mails(site.failed) == [raw]  # the server's copy, not a second
    assert wrapper_copies(site) == []


def test_a_mail_the_server_refuses_as_too_large_is_kept_by_the_wrapper(site):
    raw = patch_mail("<large@example.com>", headers={"X-Padding": "p" * 5000})
    limit = {"PATCHSERVER_INGEST_MAX_MAIL_SIZE": "4000"}
    with lmtp_server(site, "--bind", "127.0.0.1:0", **limit) as address:
        handed = run(WRAPPER, {**client_env(site, address), **limit}, raw)
    stderr = handed.stderr.decode()
    assert handed.returncode == 0, stderr
    assert "the server refused the mail: 552" in stderr
    assert "larger than the limit of 4000 bytes" in stderr
    assert saved_mails(site.failed) == [raw]


class DroppingServer:
    """Speaks LMTP until the end of DATA, then hangs up without a reply."""

    def __init__(self):
        self.lines: list[bytes] = []
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(60)
        self.address = f"127.0.0.1:{self._socket.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        with contextlib.suppress(OSError):
            conn, _ = self._socket.accept()
            with conn, conn.makefile("rwb") as stream:
                stream.write(b"220 fake\r\n")
                stream.flush()
                while line := stream.readline():
                    if line.upper().startswith(b"DATA"):
                        stream.write(b"354 go on\r\n")
                        stream.flush()
                        while (data := stream.readline()) not in (b".\r\n", b""):
                            self.lines.append(data)
                        return
                    stream.write(b"250 ok\r\n")
                    stream.flush()

    def close(self):
        self._socket.close()
        self._thread.join(5)


def test_a_server_that_hangs_up_leaves_the_mail_to_the_wrapper_within_its_limit(site):
    # Three seconds of processor time to read; the limit is one.
    raw = (
        b"From: A <a@example.com>\nSubject: [PATCH] big\nMessage-Id: <big@x>\n\n"
        b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3000000 +1,3000000 @@\n"
        + b" a\n"
        * 3_000_000
    )
    server = DroppingServer()
    env = client_env(site, server.address, database=site.env["DATABASE_URL"])
    env["PATCHSERVER_INGEST_MAIL_TIME_LIMIT"] = "1"
    try:
        handed = run(MANAGE, env, raw, "--list-id", LIST_ID)
    finally:
        server.close()
    stderr = handed.stderr.decode()
    assert server.lines  # the server had the mail first
    assert "storing the mail directly" in stderr
    assert handed.returncode == 1, stderr
    assert "more than 1 s of processor time" in stderr
    assert saved_mails(site.failed) == [raw]


@pytest.mark.parametrize(
    ("extra", "status"),
    # Django's command runs: it finds no database (75), or rejects the value.
    [(["--traceback"], 75), (["-v", "9"], 2)],
)
def test_manage_py_parsemail_with_django_options_runs_the_command(site, extra, status):
    server = DroppingServer()
    try:
        handed = run(
            MANAGE,
            client_env(site, server.address),
            patch_mail("<o@x>"),
            *("--list-id", LIST_ID, *extra),
        )
    finally:
        server.close()
    assert server.lines == []
    assert handed.returncode == status, handed.stderr.decode()
