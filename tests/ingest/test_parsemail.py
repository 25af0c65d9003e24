"""``manage.py parsemail``: exit codes, stdin and files, the failed-mail folder."""

import io
import logging
import mailbox
import os
import socket
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from apps.ingest import delivery
from apps.patches.models import Patch
from tests.ingest.helpers import LIST_ID, corpus_file, mail_bytes
from tests.paths import REPO


@pytest.fixture
def failed_dir(settings, tmp_path):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    return settings.FAILED_MAIL_DIR


def run(*args: str, stdin: bytes | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as exit_info:
        call_command("parsemail", *args)
    return exit_info.value.code


def saved_mails(folder) -> list[bytes]:
    if not folder.exists():
        return []
    box = mailbox.Maildir(folder, factory=None, create=False)
    return [box.get_bytes(key) for key in box.iterkeys()]


@pytest.mark.django_db
def test_pull_request_by_path_then_duplicate_then_unknown_list(test_project, caplog):
    path = str(corpus_file("single", "pull-request.mbox"))
    assert run(path, "--list-id", LIST_ID) == 0
    assert Patch.objects.count() == 1
    assert run(path, "--list-id", LIST_ID) == 0
    assert Patch.objects.count() == 1
    assert "Duplicate mail for message ID <pull-1@mail.example.org>" in (caplog.text)
    assert run(path, "--list-id", "nowhere.example.com") == 0
    assert "Nothing added to database" in caplog.text


@pytest.mark.django_db
def test_mail_from_stdin(test_project, monkeypatch):
    raw = corpus_file("single", "utf8-body.mbox").read_bytes()
    assert run("--list-id", LIST_ID, stdin=raw, monkeypatch=monkeypatch) == 0
    assert Patch.objects.get().submitter.name == "Zoë Łuczak"


@pytest.mark.django_db
def test_unstorable_mail_exits_1_and_is_saved(test_project, failed_dir, caplog):
    raw = corpus_file("fuzz", "broken-base64-words.mbox").read_bytes()
    path = failed_dir.parent / "in.mbox"
    path.write_bytes(raw)
    with caplog.at_level(logging.INFO):
        assert run(str(path), "--list-id", LIST_ID) == 1
    assert saved_mails(failed_dir) == [raw]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "Error when parsing incoming email: Invalid 'From' header" in record.message
    assert str(failed_dir / "new") in record.message
    assert not record.exc_info  # a broken mail is not a crash: no traceback
    assert not Patch.objects.exists()


@pytest.mark.django_db
def test_mail_missing_a_header_exits_1_and_is_saved(failed_dir, monkeypatch):
    raw = corpus_file("single", "rename-only.mbox").read_bytes()  # no Message-Id
    assert run(stdin=raw, monkeypatch=monkeypatch) == 1
    assert saved_mails(failed_dir) == [raw]


@pytest.mark.django_db
def test_a_crash_exits_1_with_a_traceback_and_the_mail_saved(
    test_project, failed_dir, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(delivery, "ingest_message", broken)
    raw = mail_bytes("pull-request.mbox")
    assert run("--list-id", LIST_ID, stdin=raw, monkeypatch=monkeypatch) == 1
    assert saved_mails(failed_dir) == [raw]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "RuntimeError('a bug')" in record.message
    assert record.exc_info


@pytest.mark.django_db
def test_unwritable_failed_folder_asks_the_mta_to_retry(
    test_project, settings, tmp_path, monkeypatch
):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings.FAILED_MAIL_DIR = blocker / "failed"
    raw = corpus_file("fuzz", "broken-base64-words.mbox").read_bytes()
    assert run("--list-id", LIST_ID, stdin=raw, monkeypatch=monkeypatch) == 75


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("parsemail", str(tmp_path / "missing.mbox"))


# --- real processes ---------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


def command_env(tmp_path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        PATCHSERVER_FAILED_MAIL_DIR=str(tmp_path / "failed"),
        PATCHSERVER_DATA_DIR=str(tmp_path / "data"),
    )
    return env


UNREACHABLE = {
    "postgresql": lambda tmp: f"postgres://postgres@127.0.0.1:{closed_port()}/none",
    "sqlite": lambda tmp: f"sqlite:///{tmp}/no-such-folder/db.sqlite3",
}


@pytest.mark.slow
@pytest.mark.parametrize("vendor", list(UNREACHABLE))
@pytest.mark.parametrize(
    "command", [[sys.executable, "manage.py", "parsemail"], ["scripts/parsemail.sh"]]
)
def test_unreachable_database_exits_75_and_stores_nothing(tmp_path, vendor, command):
    raw = mail_bytes("pull-request.mbox")
    run = subprocess.run(
        [*command, "--list-id", LIST_ID],
        input=raw,
        cwd=REPO,
        env=command_env(tmp_path, UNREACHABLE[vendor](tmp_path)),
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = run.stderr.decode()
    assert run.returncode == 75, stderr
    assert "Mail not stored, the MTA should retry it" in stderr
    assert "Traceback" not in stderr
    # The MTA keeps the mail: no copy is left in the failed-mail folder.
    failed = tmp_path / "failed"
    assert saved_mails(failed) == []
    assert not (failed / "tmp").exists() or not list((failed / "tmp").iterdir())


def wrapper(env, raw: bytes, *args: str) -> subprocess.CompletedProcess:
    """Deliver ``raw`` through the MTA wrapper ``scripts/parsemail.sh``."""
    return subprocess.run(
        ["scripts/parsemail.sh", *args],
        input=raw,
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_wrapper_script_exits_0_for_a_mail_it_cannot_store(tmp_path):
    raw = corpus_file("single", "rename-only.mbox").read_bytes()  # no Message-Id
    run = wrapper(command_env(tmp_path, UNREACHABLE["sqlite"](tmp_path)), raw)
    assert run.returncode == 0, run.stderr.decode()
    assert "Missing 'Message-Id' header" in run.stderr.decode()
    assert saved_mails(tmp_path / "failed") == [raw]
    assert list((tmp_path / "failed" / "tmp").iterdir()) == []


@pytest.mark.slow
def test_wrapper_script_keeps_the_mail_when_the_configuration_is_broken(tmp_path):
    raw = mail_bytes("pull-request.mbox")
    env = command_env(tmp_path, UNREACHABLE["sqlite"](tmp_path))
    env["DJANGO_SETTINGS_MODULE"] = "no_such_settings_module"
    run = wrapper(env, raw)
    assert run.returncode == 75, run.stderr.decode()
    assert "No module named 'no_such_settings_module'" in run.stderr.decode()
    assert saved_mails(tmp_path / "failed") == [raw]


@pytest.mark.requires_postgres
@pytest.mark.django_db
def test_a_lock_timeout_exits_75_and_keeps_nothing(
    test_project, failed_dir, settings, monkeypatch, caplog
):
    """Another delivery holds the project lock too long: 75, so the MTA retries."""
    import psycopg
    from django.db import connection

    from apps.ingest import locking
    from tests.ingest.helpers import make_mail

    settings.INGEST_LOCK_TIMEOUT = 1
    connection.ensure_connection()
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as other:
        other.execute(
            "SELECT pg_advisory_lock(%s, %s)",
            [locking._LOCK_NAMESPACE, test_project.pk],
        )
        raw = make_mail("A change.\n---\n+x\n", msgid="<locked@x>")
        status = run("--list-id", LIST_ID, stdin=raw, monkeypatch=monkeypatch)
    assert status == 75
    assert "lock timeout" in caplog.text
    assert "the MTA should retry it" in caplog.text
    assert not Patch.objects.exists()
    assert saved_mails(failed_dir) == []
