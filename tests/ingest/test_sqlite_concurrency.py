"""SQLite under concurrent delivery: writers queue, nothing fails or splits.

SQLite allows one writer at a time. The settings make that safe for
parallel deliveries: transactions begin with ``BEGIN IMMEDIATE``, so a
delivery takes the write lock before it reads anything and others wait on
the busy timeout; WAL lets pages be read meanwhile. With a deferred
``BEGIN`` a delivery that read first fails at its first write ("database
is locked", at once, whatever the timeout) when another one committed in
between: its mail comes back 75, and series assembly could read a series
that a parallel delivery is about to change.

These tests build their SQLite file from the production settings, whatever
database the rest of the suite runs on.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import OperationalError, connections, transaction
from django.db.utils import ConnectionHandler

from patchserver.database import databases
from tests.ingest.helpers import make_mail
from tests.paths import REPO

PROCESSES = 4
PATCHES = 16
LIST_ID = "sqlite.example.com"


def production_config(tmp_path, monkeypatch) -> dict:
    """Return the settings' database for an SQLite file in ``tmp_path``."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SQLITE_TIMEOUT", raising=False)
    return databases(tmp_path)["default"]


def test_the_settings_ask_for_immediate_transactions_wal_and_a_busy_timeout(
    tmp_path, monkeypatch
):
    config = production_config(tmp_path, monkeypatch)
    assert config["NAME"] == str(tmp_path / "patchserver.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 30
    assert "PRAGMA journal_mode=WAL" in config["OPTIONS"]["init_command"]


@contextlib.contextmanager
def probe_connections(config: dict, *aliases: str):
    """Register connections built from ``config`` under ``aliases``."""
    # A handler insists on a "default"; only the named aliases are used.
    handler = ConnectionHandler(
        {alias: dict(config) for alias in ("default", *aliases)}
    )
    wrappers = [handler[alias] for alias in aliases]
    for alias, wrapper in zip(aliases, wrappers, strict=True):
        connections[alias] = wrapper
    try:
        yield wrappers
    finally:
        for alias, wrapper in zip(aliases, wrappers, strict=True):
            wrapper.close()
            del connections[alias]


def test_a_transaction_holds_the_write_lock_from_its_start(
    tmp_path, monkeypatch, django_db_blocker
):
    """A second transaction cannot even begin while the first only read."""
    config = production_config(tmp_path, monkeypatch)
    with (
        django_db_blocker.unblock(),
        probe_connections(config, "first", "second") as (first, second),
    ):
        second.settings_dict["OPTIONS"] = {**config["OPTIONS"], "timeout": 0.2}
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE mails (n integer)")
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 30_000
        with transaction.atomic(using="first"):
            with first.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM mails")
            # WAL: reading outside a transaction still works.
            with second.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM mails")
            started = time.monotonic()
            with (
                pytest.raises(OperationalError, match="locked"),
                transaction.atomic(using="second"),
                second.cursor() as cursor,
            ):
                cursor.execute("SELECT count(*) FROM mails")
            assert time.monotonic() - started >= 0.2  # it waited its timeout


def series_mails() -> list[bytes]:
    cover = "<sqlite-0@example.com>"
    mails = [
        make_mail(
            "A series stored by several processes at once.",
            subject=f"[PATCH 0/{PATCHES}] parallel",
            msgid=cover,
        )
    ]
    for number in range(1, PATCHES + 1):
        diff = (
            f"---\n f{number} | 1 +\n\ndiff --git a/f{number} b/f{number}\n"
            f"--- a/f{number}\n+++ b/f{number}\n@@ -0,0 +1 @@\n+{number}\n"
        )
        mails.append(
            make_mail(
                f"Change {number}.\n{diff}",
                subject=f"[PATCH {number}/{PATCHES}] part {number}",
                msgid=f"<sqlite-{number}@example.com>",
                headers={"In-Reply-To": cover, "References": cover},
            )
        )
    return mails


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


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """An SQLite file with the schema and one project, migrated once per module."""
    folder = tmp_path_factory.mktemp("sqlite")
    database = folder / "patchserver.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=f"sqlite:///{database}"
    )
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(
        env,
        "createproject",
        "--linkname",
        "par",
        "--name",
        "Par",
        "--list-id",
        LIST_ID,
        "--list-email",
        "par@example.com",
    )
    return database


def site(migrated, tmp_path) -> tuple:
    """Copy the migrated file for one test; return it and the processes' environment."""
    database = tmp_path / "patchserver.sqlite3"
    shutil.copyfile(migrated, database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"sqlite:///{database}",
        PATCHSERVER_FAILED_MAIL_DIR=str(tmp_path / "failed"),
    )
    return database, env


@pytest.mark.slow
def test_a_busy_database_exits_75_and_keeps_nothing(migrated, tmp_path):
    """Another writer holds the database past the busy timeout: 75, MTA retries."""
    database, env = site(migrated, tmp_path)
    env["SQLITE_TIMEOUT"] = "1"
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        run = subprocess.run(
            [sys.executable, "manage.py", "parsemail", "--list-id", LIST_ID],
            input=series_mails()[1],
            cwd=REPO,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        db.execute("ROLLBACK")
        stored = db.execute("SELECT count(*) FROM patches_patch").fetchone()[0]
    stderr = run.stderr.decode()
    assert run.returncode == 75, stderr
    assert "database is locked" in stderr
    assert "the MTA should retry it" in stderr
    assert stored == 0
    assert not (tmp_path / "failed").exists()


@pytest.mark.slow
def test_parallel_processes_store_a_whole_series_in_one_sqlite_file(migrated, tmp_path):
    """PROCESSES processes deliver the mails of one series at the same moment."""
    database, env = site(migrated, tmp_path)
    files = []
    for index, raw in enumerate(series_mails()):
        path = tmp_path / f"mail-{index}.eml"
        path.write_bytes(raw)
        files.append(str(path))
    # Mails are dealt out so that every process stores several, in order.
    start = time.time() + 15  # every process has set Django up by then
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ingest.sqlite_writer",
                LIST_ID,
                str(start),
                *files[i::PROCESSES],
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(PROCESSES)
    ]
    statuses = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()
        statuses += json.loads(out)
    assert statuses == [0] * (PATCHES + 1)
    assert not (tmp_path / "failed").exists()
    with contextlib.closing(sqlite3.connect(database)) as db:
        [(series_count, total)] = db.execute(
            "SELECT count(*), max(total) FROM patches_series"
        ).fetchall()
        numbers = [
            n
            for (n,) in db.execute(
                "SELECT number FROM patches_patch"
                " WHERE series_id IS NOT NULL ORDER BY number"
            )
        ]
        covers = db.execute("SELECT count(*) FROM patches_cover").fetchone()[0]
    assert (series_count, total, covers) == (1, PATCHES, 1)
    assert numbers == list(range(1, PATCHES + 1))
