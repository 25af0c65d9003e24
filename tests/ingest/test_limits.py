"""Bounds on one mail (size, processor time) and errors a retry cannot cure.

A mail over a bound, or one the database refuses for what it holds, goes to
the failed-mail folder and ``parsemail`` exits 1: the MTA must not retry it
for days. Database trouble that may pass still exits 75.
"""

import io
import logging
import mailbox
import re
import sqlite3
import time

import psycopg.errors
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

from apps.ingest import services
from apps.ingest.delivery import deliver
from apps.ingest.exceptions import is_permanent
from apps.ingest.store import MailStore
from apps.patches.models import Patch
from tests.ingest.helpers import LIST_ID, make_mail
from tests.ingest.test_parsemail import saved_mails

pytestmark = pytest.mark.django_db

# A pattern that backtracks for minutes on 40 characters: CPU-bound work in C.
CATASTROPHIC = re.compile(r"(a*)*b")


@pytest.fixture
def failed_dir(settings, tmp_path):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    return settings.FAILED_MAIL_DIR


def patch_mail(number: int = 1, body: str = "") -> bytes:
    diff = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
    return make_mail(
        body + "Change.\n---\n" + diff,
        msgid=f"<limit-{number}@example.com>",
        subject=f"[PATCH] change {number}",
    )


def spin_on_subject(monkeypatch, marker: str) -> None:
    """Make reading any mail whose subject holds ``marker`` take forever."""
    original = services.parsing.subject_info

    def slow(parsed, linkname):
        if marker in (parsed.subject or ""):
            CATASTROPHIC.match("a" * 40)
        return original(parsed, linkname)

    monkeypatch.setattr(services.parsing, "subject_info", slow)


def test_a_mail_over_the_size_limit_is_kept_not_retried(
    test_project, failed_dir, settings, caplog
):
    raw = patch_mail(body="x" * 5000)
    settings.INGEST_MAX_MAIL_SIZE = len(raw) - 1
    with caplog.at_level(logging.ERROR):
        assert deliver(raw, list_id=LIST_ID) == 1
    assert saved_mails(failed_dir) == [raw]
    assert f"mail of {len(raw)} bytes is larger than the limit" in caplog.text
    assert not Patch.objects.exists()
    settings.INGEST_MAX_MAIL_SIZE = len(raw)
    assert deliver(raw, list_id=LIST_ID) == 0
    assert Patch.objects.count() == 1


def test_a_mail_over_the_time_limit_is_kept_not_retried(
    test_project, failed_dir, settings, monkeypatch, caplog
):
    settings.INGEST_MAIL_TIME_LIMIT = 1
    spin_on_subject(monkeypatch, "change 1")
    raw = patch_mail(1)
    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        assert deliver(raw, list_id=LIST_ID) == 1
    assert time.monotonic() - started < 30
    assert "more than 1 s of processor time" in caplog.text
    assert saved_mails(failed_dir) == [raw]
    assert not Patch.objects.exists()
    assert deliver(patch_mail(2), list_id=LIST_ID) == 0  # the limit is lifted


def test_parsearchive_keeps_mails_over_the_bounds_and_goes_on(
    test_project, failed_dir, settings, monkeypatch, tmp_path
):
    settings.INGEST_MAIL_TIME_LIMIT = 1
    spin_on_subject(monkeypatch, "change 2")
    mails = [patch_mail(1), patch_mail(2), patch_mail(3, "x" * 5000), patch_mail(4)]
    settings.INGEST_MAX_MAIL_SIZE = len(mails[2]) - 1
    path = tmp_path / "archive.mbox"
    box = mailbox.mbox(path)
    for raw in mails:
        box.add(raw)
    box.flush()
    out = io.StringIO()
    call_command("parsearchive", str(path), "--list-id", LIST_ID, stdout=out)
    assert "     2 patches" in out.getvalue()
    assert "     2 errors" in out.getvalue()
    assert sorted(Patch.objects.values_list("name", flat=True)) == [
        "change 1",
        "change 4",
    ]
    assert len(saved_mails(failed_dir)) == 2


def too_many_variables() -> OperationalError:
    """The error SQLite gives a query with more values than it allows."""
    connection.ensure_connection()
    count = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) + 1
    with pytest.raises(OperationalError) as error, connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 WHERE 1 IN ({','.join(['%s'] * count)})", [1] * count)
    return error.value


@pytest.mark.requires_sqlite
def test_a_query_over_the_databases_limits_is_kept_not_retried(
    test_project, failed_dir, monkeypatch
):
    error = too_many_variables()

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(MailStore, "_taken", refuse)
    raw = patch_mail(1)
    assert deliver(raw, list_id=LIST_ID) == 1
    assert saved_mails(failed_dir) == [raw]


def test_a_locked_database_is_retried(test_project, failed_dir, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(MailStore, "_taken", locked)
    assert deliver(patch_mail(1), list_id=LIST_ID) == 75
    assert saved_mails(failed_dir) == []


def wrapped(error: Exception) -> OperationalError:
    """A driver error as Django raises it (the driver's error as the cause)."""
    try:
        raise OperationalError(str(error)) from error
    except OperationalError as django_error:
        return django_error


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (psycopg.errors.ProgramLimitExceeded("index row size exceeds"), True),
        (psycopg.errors.CharacterNotInRepertoire("invalid byte sequence"), True),
        (
            psycopg.OperationalError(
                "number of parameters must be between 0 and 65535"
            ),
            True,
        ),
        (psycopg.errors.LockNotAvailable("could not obtain lock"), False),
        (
            psycopg.errors.QueryCanceled("canceling statement due to lock timeout"),
            False,
        ),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (psycopg.errors.TooManyConnections("too many clients"), False),
        (psycopg.OperationalError("connection refused"), False),
    ],
)
def test_postgresql_errors_are_told_apart(error, permanent):
    assert is_permanent(wrapped(error)) is permanent


def test_a_reply_with_thousands_of_references_finds_its_parent(
    test_project, failed_dir
):
    # Upstream queried every id: on SQLite "too many SQL variables", retried
    # by the MTA for days. The nearest ids are kept and the parent found.
    assert deliver(patch_mail(1), list_id=LIST_ID) == 0
    ids = [f"<old-{i}@example.com>" for i in range(6000)] + ["<limit-1@example.com>"]
    reply = make_mail(
        "Looks good.",
        subject="Re: [PATCH] change 1",
        msgid="<reply@example.com>",
        headers={"References": " ".join(ids)},  # 130 KB
    )
    assert deliver(reply, list_id=LIST_ID) == 0
    assert Patch.objects.get().comments.count() == 1
    assert saved_mails(failed_dir) == []


def test_the_author_is_known_before_the_project_lock_is_taken(
    test_project, monkeypatch
):
    # Whatever the mail costs to read, other deliveries never wait on it.
    steps = []
    resolve_author, lock_project = (
        services.parsing.resolve_author,
        services.lock_project,
    )

    def resolve(*args, **kwargs):
        steps.append("author")
        return resolve_author(*args, **kwargs)

    def lock(*args, **kwargs):
        steps.append("lock")
        return lock_project(*args, **kwargs)

    monkeypatch.setattr(services.parsing, "resolve_author", resolve)
    monkeypatch.setattr(services, "lock_project", lock)
    assert deliver(patch_mail(1), list_id=LIST_ID) == 0
    assert steps == ["author", "lock"]
