"""``manage.py parsearchive``: mbox, mboxrd and Maildir; progress and summary."""

import io
import mailbox

import pytest
from django.core.management import CommandError, call_command

from apps.events.models import Event
from apps.patches.models import Cover, Patch, Series
from tests.ingest.helpers import LIST_ID, corpus_file, make_mail, mbox_mails

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, stdout=None) -> str:
    out = stdout or io.StringIO()
    call_command("parsearchive", *args, stdout=out)
    return out.getvalue()


def summary(output: str) -> str:
    """The summary without the timing line, which varies."""
    return "\n".join(
        line for line in output.splitlines() if not line.startswith("Took")
    )


def test_summary_of_a_covered_series(test_project):
    output = run(str(corpus_file("series", "cover-letter.mbox")), "--list-id", LIST_ID)
    assert summary(output) == (
        "Processed 3 messages -->\n"
        "     1 cover letters\n"
        "     2 patches\n"
        "     0 comments\n"
        "     0 duplicates\n"
        "     0 dropped\n"
        "     0 waiting\n"
        "     0 errors\n"
        "Total: 3 new entries"
    )
    assert "mails/s)" in output
    assert Series.objects.get().patches.count() == 2


def test_mail_of_no_project_is_dropped(test_project):
    output = run(str(corpus_file("single", "pull-request.mbox")))
    assert "Processed 1 messages" in output
    assert "     1 dropped" in output
    assert not Patch.objects.exists()


def test_failed_mails_are_counted_saved_and_the_run_goes_on(
    test_project, settings, tmp_path
):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    output = run(
        str(corpus_file("fuzz", "nul-bytes-two-mails.mbox")),
        str(corpus_file("series", "single-patch.mbox")),
        "--list-id",
        LIST_ID,
    )
    assert "Processed 3 messages" in output
    assert "     2 patches" in output
    assert "     1 errors" in output
    assert "Total: 2 new entries" in output
    assert f"Mails that failed were saved to {tmp_path / 'failed'}" in output
    box = mailbox.Maildir(tmp_path / "failed", factory=None, create=False)
    [saved] = [box.get_bytes(key) for key in box.iterkeys()]
    assert saved == mbox_mails(corpus_file("fuzz", "nul-bytes-two-mails.mbox"))[1]


def test_reading_twice_counts_duplicates(test_project):
    path = str(corpus_file("series", "cover-letter.mbox"))
    run(path, "--list-id", LIST_ID)
    output = run(path, "--list-id", LIST_ID)
    assert "     3 duplicates" in output
    assert "Total: 0 new entries" in output


def test_verbosity_0_prints_nothing(test_project):
    path = str(corpus_file("series", "cover-letter.mbox"))
    assert run(path, "--list-id", LIST_ID, "-v", "0", stdout=Terminal()) == ""
    assert Patch.objects.count() == 2


def test_progress_is_shown_on_a_terminal(test_project):
    path = str(corpus_file("series", "cover-letter.mbox"))
    output = run(path, "--list-id", LIST_ID, stdout=Terminal())
    assert "\r3/3 mails, " in output
    assert "/s \n" in output
    assert output.index("\r3/3") < output.index("Processed 3 messages")


def test_no_progress_when_not_on_a_terminal(test_project):
    path = str(corpus_file("series", "cover-letter.mbox"))
    assert "\r" not in run(path, "--list-id", LIST_ID)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Invalid path"):
        call_command("parsearchive", str(tmp_path / "missing"))


def test_maildir_is_read_in_delivery_order(test_project, tmp_path):
    # Delivery agents name files by time; reading in name order replays the
    # arrival order (here 2/2, 1/2, then the cover), giving one series.
    mailbox.Maildir(tmp_path / "maildir", create=True)
    mails = mbox_mails(corpus_file("series", "out-of-order.mbox"))
    for number, raw in enumerate(mails):
        name = f"{1700000000 + number}.M{number}P1.host"
        (tmp_path / "maildir" / "new" / name).write_bytes(raw)
    output = run(str(tmp_path / "maildir"), "--list-id", LIST_ID)
    assert "     1 cover letters" in output
    assert "     2 patches" in output
    series = Series.objects.get()
    assert series.name == "Widget size checks"
    assert series.patches.count() == 2
    assert Cover.objects.get().series == series


def mboxrd(*mails: bytes) -> bytes:
    """Write mails in mboxrd format: every '>*From ' body line gets one more '>'."""
    out = b""
    for raw in mails:
        head, _, body = raw.partition(b"\n\n")
        quoted = b"\n".join(
            b">" + line if line.lstrip(b">").startswith(b"From ") else line
            for line in body.split(b"\n")
        )
        out += b"From sender@example.com Mon Jan  1 00:00:00 2024\n"
        out += head + b"\n\n" + quoted + b"\n\n"
    return out


BODY = "From the start, this was wrong.\n>From a quote.\nSigned-off-by: A <a@x>\n"


def quoted_patch_mail() -> bytes:
    diff = corpus_file("diffs", "add-line.diff").read_text()
    return make_mail(BODY + "\n" + diff, charset="us-ascii")


def test_mboxrd_from_quoting_is_undone(test_project, tmp_path):
    path = tmp_path / "archive.mbox"
    path.write_bytes(mboxrd(quoted_patch_mail()))
    assert b"\n>From the start" in path.read_bytes()
    assert b"\n>>From a quote" in path.read_bytes()
    run(str(path), "--list-id", LIST_ID)
    assert Patch.objects.get().content == BODY.strip()


def test_from_quoting_can_be_kept_as_upstream_does(test_project, tmp_path):
    path = tmp_path / "archive.mbox"
    path.write_bytes(mboxrd(quoted_patch_mail()))
    run(str(path), "--list-id", LIST_ID, "--keep-from-quoting")
    assert Patch.objects.get().content.startswith(">From the start")
    assert "\n>>From a quote." in Patch.objects.get().content


@pytest.mark.parametrize("workers", ["0", "2"])
def test_parsing_ahead_in_helper_processes_changes_nothing(
    test_project, settings, tmp_path, workers
):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    output = run(
        str(corpus_file("series", "revision-out-of-order.mbox")),
        str(corpus_file("fuzz", "nul-bytes-two-mails.mbox")),
        "--list-id",
        LIST_ID,
        "--parse-workers",
        workers,
    )
    assert summary(output).splitlines()[:9] == [
        "Processed 8 messages -->",
        "     2 cover letters",
        "     5 patches",
        "     0 comments",
        "     0 duplicates",
        "     0 dropped",
        "     0 waiting",
        "     1 errors",
        "Total: 7 new entries",
    ]
    assert [s.patches.count() for s in Series.objects.order_by("id")][:2] == [2, 2]


def test_database_session_settings_are_put_back(test_project):
    from django.db import connection

    def setting():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size")
            else:
                cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    before = setting()
    run(str(corpus_file("series", "single-patch.mbox")), "--list-id", LIST_ID)
    assert setting() == before


def test_a_database_outage_is_retried_once_then_stops_with_75(
    test_project, monkeypatch
):
    from apps.ingest import archive_run as parsearchive
    from apps.ingest.exceptions import TemporaryFailure

    real = parsearchive.ingest_parsed
    failures = iter([True, False, True, True])

    def flaky(*args, **kwargs):
        if next(failures):
            raise TemporaryFailure("database unavailable: test")
        return real(*args, **kwargs)

    monkeypatch.setattr(parsearchive, "ingest_parsed", flaky)
    monkeypatch.setattr(parsearchive.time, "sleep", lambda seconds: None)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "parsearchive",
            str(corpus_file("series", "no-cover-letter.mbox")),
            "--list-id",
            LIST_ID,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert exit_info.value.code == 75
    assert "Stopping: database unavailable: test" in err.getvalue()
    assert Patch.objects.count() == 1  # the first mail, stored on its retry


def test_a_failing_mail_inside_a_transaction_batch_loses_nothing_else(
    test_project, settings, tmp_path
):
    """Mails share transactions; one that fails is replayed alone and saved."""
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    diff = (
        "---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1,2 @@\n"
        " a\n+{}\n"
    )
    box = mailbox.mbox(tmp_path / "archive.mbox")
    box.add(make_mail(diff.format(1), subject="[PATCH 1/2] one", msgid="<s-1@x>"))
    # Parses, but its sender is not an address: fails once it is being stored.
    box.add(
        make_mail(
            diff.format(9), subject="[PATCH] bad", msgid="<bad@x>", sender="nobody"
        )
    )
    box.add(
        make_mail(
            diff.format(2),
            subject="[PATCH 2/2] two",
            msgid="<s-2@x>",
            headers={"In-Reply-To": "<s-1@x>"},
        )
    )
    box.close()
    output = run(str(tmp_path / "archive.mbox"), "--list-id", LIST_ID)
    assert "     2 patches" in output
    assert "     1 errors" in output
    series = Series.objects.get()
    assert [p.name for p in series.patches.order_by("number")] == [
        "[1/2] one",
        "[2/2] two",
    ]
    # Replaying the batch one mail at a time recorded each event once.
    assert sorted(Event.objects.values_list("category", flat=True)) == sorted(
        ["series-created"]
        + ["patch-created"] * 2
        + ["patch-completed"] * 2
        + ["series-completed"]
    )
    failed = mailbox.Maildir(tmp_path / "failed", factory=None, create=False)
    assert [b"<bad@x>" in failed.get_bytes(key) for key in failed.iterkeys()] == [True]


@pytest.mark.requires_postgres
def test_an_archive_run_plans_every_statement(test_project, tmp_path):
    """No statement is prepared, so none keeps a plan made for small tables."""
    from django.db import connection

    archive = mailbox.mbox(tmp_path / "archive.mbox")
    for number in range(8):
        archive.add(
            make_mail(
                "change\n---\n a | 1 +\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+x\n",
                subject=f"[PATCH] change {number}",
                msgid=f"<single-{number}@example.com>",
            )
        )
    archive.flush()
    run(str(tmp_path / "archive.mbox"), "--list-id", LIST_ID)
    assert Patch.objects.count() == 8
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not [sql for sql in prepared if "msgid" in sql], prepared
    # Statements of the requests that follow are prepared again.
    assert connection.connection.prepare_threshold == 2


def _kill_own_connection() -> None:
    """End this process's database session from another one (a real outage)."""
    import psycopg
    from django.db import connection

    pid = connection.connection.info.backend_pid
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock_held", [False, True])
def test_a_lost_connection_is_reopened_with_the_lock_timeout(
    tmp_path, settings, monkeypatch, lock_held
):
    """The session dies mid-run: the retry reconnects and still times out on locks.

    The first batch fails on an unstorable mail, so the mails are stored one
    by one; just before the mail of the second list, the server ends the
    run's session. The retry must open a new connection (else it fails the
    same way and the run stops) and, since the new session lacks the run's
    lock timeout, set one per transaction: with the project's ingest lock
    held elsewhere the run must give up (75) instead of waiting forever.
    """
    import threading

    import psycopg
    from django.db import connection

    from apps.ingest import archive_run as parsearchive
    from apps.ingest import locking
    from tests.factories import ProjectFactory

    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    settings.INGEST_LOCK_TIMEOUT = 1
    ProjectFactory(linkname="a", listid="a.example.com")
    second = ProjectFactory(linkname="b", listid="b.example.com")
    diff = (
        "---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1,2 @@\n"
        " a\n+{}\n"
    )
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for msgid, sender, list_id in (
        ("<a-1@x>", "A <a@example.com>", "a.example.com"),
        ("<bad@x>", "nobody", "a.example.com"),
        ("<b-1@x>", "B <b@example.com>", "b.example.com"),
    ):
        box.add(
            make_mail(
                diff.format(msgid),
                subject=f"[PATCH] {msgid}",
                msgid=msgid,
                sender=sender,
                headers={"List-Id": f"<{list_id}>"},
            )
        )
    box.close()

    holders = []
    real = parsearchive.ingest_parsed
    outage = []

    def ingest(parsed, **kwargs):
        # The one-by-one replay (no shared transaction) of the second list's mail.
        replay = kwargs["context"].locks_held is None
        if parsed.msgid == "<b-1@x>" and replay and not outage:
            outage.append(True)
            if lock_held:
                holder = psycopg.connect(
                    connection.connection.info.dsn, autocommit=True
                )
                holder.execute(
                    "SELECT pg_advisory_lock(%s, %s)",
                    [locking._LOCK_NAMESPACE, second.pk],
                )
                # Should the run wait forever, it gets the lock after 30 s.
                watchdog = threading.Timer(30, holder.close)
                watchdog.start()
                holders.append((holder, watchdog))
            _kill_own_connection()
        return real(parsed, **kwargs)

    monkeypatch.setattr(parsearchive, "ingest_parsed", ingest)
    monkeypatch.setattr(parsearchive.time, "sleep", lambda seconds: None)
    err = io.StringIO()
    try:
        if lock_held:
            with pytest.raises(SystemExit) as exit_info:
                call_command(
                    "parsearchive",
                    str(tmp_path / "archive.mbox"),
                    stdout=io.StringIO(),
                    stderr=err,
                )
            assert exit_info.value.code == 75
            assert "Stopping: database unavailable" in err.getvalue()
            assert "lock timeout" in err.getvalue()
            assert sorted(Patch.objects.values_list("msgid", flat=True)) == ["<a-1@x>"]
        else:
            output = run(str(tmp_path / "archive.mbox"))
            assert "     2 patches" in output
            assert "     1 errors" in output
            assert sorted(Patch.objects.values_list("msgid", flat=True)) == [
                "<a-1@x>",
                "<b-1@x>",
            ]
    finally:
        for holder, watchdog in holders:
            watchdog.cancel()
            holder.close()
    assert outage == [True]
