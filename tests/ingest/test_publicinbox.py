"""``manage.py parsearchive`` on public-inbox archives, built here with git."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.ingest import parsing
from apps.ingest.archive import NotAnArchive, open_archive
from apps.ingest.gitmail import IN_FLIGHT
from apps.ingest.models import InboxProgress
from apps.ingest.publicinbox import find_layout
from apps.patches.models import Patch
from tests.ingest import inbox
from tests.ingest.helpers import LIST_ID, make_mail
from tests.ingest.inbox import Removal

pytestmark = pytest.mark.django_db

DIFF = """\
---
 file{n}.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/file{n}.c b/file{n}.c
--- a/file{n}.c
+++ b/file{n}.c
@@ -1 +1,2 @@
 int a;
+int b{n};
"""


def patch(n: int) -> bytes:
    return make_mail(
        f"Change number {n}.\n\nSigned-off-by: A <a@example.com>\n" + DIFF.format(n=n),
        subject=f"[PATCH] change {n}",
        msgid=f"<change-{n}@example.com>",
    )


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("parsearchive", str(path), "--list-id", LIST_ID, *args, stdout=out)
    return out.getvalue()


def stored() -> list[str]:
    return list(Patch.objects.order_by("id").values_list("name", flat=True))


def pending(path: Path) -> list[bytes]:
    """The mails the next run would read, as the archive gives them."""
    return list(open_archive(path, list_id=LIST_ID))


def progress(path: Path) -> dict[int, str]:
    rows = InboxProgress.objects.filter(inbox=str(path.resolve()), list_id=LIST_ID)
    return dict(rows.values_list("epoch", "commit"))


def tip(repo: Path) -> str:
    return inbox.git(repo, "rev-parse", "HEAD")


def names(*numbers: int) -> list[str]:
    return [f"change {n}" for n in numbers]


def test_a_v2_inbox_is_read_in_order_and_again_only_its_new_mail(
    test_project, tmp_path
):
    path = inbox.write_v2(
        tmp_path / "list", [[patch(1), patch(2), patch(3)], [patch(4), patch(5)]]
    )
    epochs = path / "git"

    output = run(path)

    assert "Processed 5 messages" in output
    assert "     5 patches" in output
    assert stored() == names(1, 2, 3, 4, 5)
    assert progress(path) == {0: tip(epochs / "0.git"), 1: tip(epochs / "1.git")}

    inbox.append(epochs / "1.git", [patch(6), patch(7)])
    inbox.append(inbox.init_repository(epochs / "2.git"), [patch(8)])

    assert pending(path) == [patch(6), patch(7), patch(8)]
    output = run(path)
    assert "Processed 3 messages" in output
    assert "     0 duplicates" in output
    assert stored() == names(1, 2, 3, 4, 5, 6, 7, 8)
    assert progress(path) == {
        0: tip(epochs / "0.git"),
        1: tip(epochs / "1.git"),
        2: tip(epochs / "2.git"),
    }
    assert pending(path) == []
    assert "Processed 0 messages" in run(path)


def test_epochs_are_read_in_number_order(tmp_path):
    for number in (10, 9, 0):
        inbox.init_repository(tmp_path / "git" / f"{number}.git")
    (tmp_path / "git" / "all.git").mkdir()

    layout = find_layout(tmp_path)

    assert layout is not None
    assert layout.version == 2
    assert [n for n, _ in layout.repositories] == [0, 9, 10]


def test_a_v1_inbox_is_one_repository(test_project, tmp_path):
    repo = inbox.init_repository(tmp_path / "list.git")
    inbox.append(repo, [patch(1), patch(2)], v1=True)

    assert "Processed 2 messages" in run(repo)
    inbox.append(repo, [patch(3)], v1=True)
    assert pending(repo) == [patch(3)]
    assert "Processed 1 messages" in run(repo)
    assert stored() == names(1, 2, 3)
    assert progress(repo) == {0: tip(repo)}


def test_a_non_bare_v1_clone_is_read(test_project, tmp_path):
    repo = inbox.init_repository(tmp_path / "bare.git")
    inbox.append(repo, [patch(1)], v1=True)
    clone = tmp_path / "clone"
    inbox.git(repo, "clone", "--quiet", str(repo), str(clone))

    assert "Processed 1 messages" in run(clone)
    assert stored() == names(1)


def test_removals_are_skipped_and_remembered(test_project, tmp_path):
    path = inbox.write_v2(
        tmp_path / "list",
        [[patch(1), patch(2), Removal(patch(2)), patch(3), Removal(patch(3))]],
    )
    repo = path / "git" / "0.git"

    output = run(path)

    # The removed mails were on the list (their addition is history); the
    # removal commits themselves carry nothing to read.
    assert "Processed 3 messages" in output
    assert stored() == names(1, 2, 3)
    assert progress(path) == {0: tip(repo)}
    assert pending(path) == []


def test_v1_removals_are_skipped(test_project, tmp_path):
    repo = inbox.init_repository(tmp_path / "list.git")
    inbox.append(repo, [patch(1), Removal(patch(1)), patch(2)], v1=True)

    assert "Processed 2 messages" in run(repo)
    assert stored() == names(1, 2)


def test_since_reads_only_later_commits_and_the_next_run_goes_on(
    test_project, tmp_path
):
    day = 86_400
    start = int(dt.datetime(2024, 3, 1, tzinfo=dt.UTC).timestamp())
    path = tmp_path / "list"
    repo = inbox.init_repository(path / "git" / "0.git")
    inbox.append(
        repo,
        [patch(1), patch(2), patch(3)],
        times=[start, start + day, start + 2 * day],
    )

    output = run(path, "--since", "2024-03-02")

    assert "Processed 2 messages" in output
    assert stored() == names(2, 3)
    inbox.append(repo, [patch(4)], times=[start + 3 * day])
    assert "Processed 1 messages" in run(path)
    assert stored() == names(2, 3, 4)


@pytest.mark.parametrize("since", ["1970-01-02", "1960-05-01T00:00:00-05:00"])
def test_since_before_every_commit_reads_them_all(test_project, tmp_path, since):
    path = inbox.write_v2(tmp_path / "list", [[patch(1), patch(2)]])

    assert "Processed 2 messages" in run(path, "--since", since)


def test_since_after_every_commit_reads_nothing_and_remembers_the_tip(
    test_project, tmp_path
):
    path = inbox.write_v2(tmp_path / "list", [[patch(1)]])

    assert "Processed 0 messages" in run(path, "--since", "2099-01-01T00:00+02:00")
    assert progress(path) == {0: tip(path / "git" / "0.git")}
    assert not Patch.objects.exists()


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", ""])
def test_a_date_since_cannot_read_is_refused(tmp_path, value):
    path = inbox.write_v2(tmp_path / "list", [[patch(1)]])

    with pytest.raises(CommandError, match="is not a date"):
        run(path, "--since", value)
    assert not InboxProgress.objects.exists()


def test_since_is_refused_for_an_mbox(tmp_path):
    mbox = tmp_path / "list.mbox"
    mbox.write_bytes(b"From x Mon Jan  1 00:00:00 2024\n" + patch(1))

    with pytest.raises(CommandError, match="public-inbox archives only"):
        run(mbox, "--since", "2024-01-01")


def test_each_list_remembers_its_own_progress(test_project, tmp_path):
    path = inbox.write_v2(tmp_path / "list", [[patch(1)]])
    run(path)

    # Read for another list (or by headers), the inbox starts from its start.
    assert len(list(open_archive(path, list_id="other.example.com"))) == 1
    assert len(list(open_archive(path))) == 1


def test_a_directory_that_is_no_archive_is_a_clear_error(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hello")

    with pytest.raises(CommandError, match="neither a Maildir nor a public-inbox"):
        run(tmp_path / "notes")


def test_a_corrupt_epoch_is_a_clear_error_and_nothing_is_read(tmp_path, test_project):
    path = inbox.write_v2(tmp_path / "list", [[patch(1)]])
    broken = path / "git" / "1.git"
    broken.mkdir()
    (broken / "HEAD").write_text("garbage\n")

    with pytest.raises(CommandError, match=r"not a readable public-inbox archive"):
        run(path)
    assert not Patch.objects.exists()
    assert not InboxProgress.objects.exists()


def test_git_missing_is_said(tmp_path, monkeypatch):
    path = inbox.write_v2(tmp_path / "list", [[patch(1)]])
    monkeypatch.setattr("apps.ingest.gitmail.GIT", str(tmp_path / "no-git"))

    with pytest.raises(CommandError, match="no-git not found: public-inbox"):
        run(path)


def test_git_advice_after_its_error_is_left_out(tmp_path, monkeypatch):
    """git's advice after "fatal:" (dubious ownership) does not hide the reason."""
    fake = tmp_path / "git"
    fake.write_text(
        "#!/bin/sh\n"
        "echo \"fatal: detected dubious ownership in repository at '$1'\" >&2\n"
        "echo 'To add an exception for this directory, call:' >&2\n"
        "echo '' >&2\n"
        "echo '        git config --global --add safe.directory x' >&2\n"
        "exit 128\n"
    )
    fake.chmod(0o755)
    path = inbox.write_v2(tmp_path / "list", [[patch(1)]])
    monkeypatch.setattr("apps.ingest.gitmail.GIT", str(fake))

    with pytest.raises(CommandError, match=r"0\.git: fatal: detected dubious owner"):
        run(path)


def _loose_object(repo: Path, object_id: str) -> Path:
    return repo / "objects" / object_id[:2] / object_id[2:]


def test_an_interrupted_run_resumes_after_the_last_mail_handled(
    test_project, tmp_path, monkeypatch
):
    """A blob lost mid-run stops it; the mails before it count, none after."""
    monkeypatch.setattr("apps.ingest.archive_run.TRANSACTION_BATCH", 1)
    mails = [patch(n) for n in range(1, 5)]
    path = inbox.write_v2(tmp_path / "list", [mails])
    repo = path / "git" / "0.git"
    commits = inbox.git(repo, "rev-list", "--reverse", "HEAD").split()
    blob = inbox.git(repo, "hash-object", "--stdin", data=mails[2])
    lost = _loose_object(repo, blob)
    kept = lost.read_bytes()
    os.chmod(lost, 0o644)
    lost.unlink()

    with pytest.raises(CommandError, match="reading stopped"):
        run(path, "--parse-workers", "0")
    assert stored() == names(1, 2)
    assert progress(path) == {0: commits[1]}

    lost.write_bytes(kept)
    assert pending(path) == mails[2:]
    output = run(path, "--parse-workers", "0")
    assert "Processed 2 messages" in output
    assert "     0 duplicates" in output
    assert stored() == names(1, 2, 3, 4)


def test_a_rewritten_history_is_read_again_from_its_start(
    test_project, tmp_path, caplog
):
    path = inbox.write_v2(tmp_path / "list", [[patch(1), patch(2)]])
    repo = path / "git" / "0.git"
    run(path)
    # As public-inbox-purge does: the history is rewritten without a mail.
    inbox.git(repo, "update-ref", "-d", inbox.BRANCH)
    inbox.append(repo, [patch(1), patch(3)])

    output = run(path)

    assert "Processed 2 messages" in output
    assert "     1 duplicates" in output
    assert stored() == names(1, 2, 3)
    assert "no longer in its history; reading the whole epoch again" in caplog.text


def test_what_git_gives_is_what_is_parsed(tmp_path):
    """Bytes come through unchanged, 8-bit and CRLF included."""
    raw = (
        b"From: A <a@example.com>\r\nSubject: [PATCH] caf\xc3\xa9\r\n"
        b"Message-Id: <eight@example.com>\r\n\r\ncaf\xc3\xa9\r\n"
    )
    path = inbox.write_v2(tmp_path / "list", [[raw, b"\0binary\xff" * 3]])

    first, second = list(open_archive(path))

    assert first == raw
    assert second == b"\0binary\xff" * 3
    assert parsing.parse_bytes(first, received_at=dt.datetime.now(dt.UTC))


def test_many_large_mails_stream_in_order(tmp_path):
    """More mails than are asked for ahead, each larger than a pipe's buffer."""
    mails = [
        make_mail("x" * 150_000 + f"\nmail {n}\n", msgid=f"<big-{n}@example.com>")
        for n in range(3 * IN_FLIGHT)
    ]
    path = inbox.write_v2(tmp_path / "list", [mails])

    assert list(open_archive(path)) == mails


def test_a_run_stopped_early_ends_git(tmp_path):
    path = inbox.write_v2(tmp_path / "list", [[patch(n) for n in range(5)]])
    mails = iter(open_archive(path))
    assert next(mails) == patch(0)
    assert _cat_file_processes(path)

    mails.close()

    assert not _cat_file_processes(path)


def _cat_file_processes(path: Path) -> list[str]:
    found = []
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        if b"cat-file" in command and str(path).encode() in command:
            found.append(command.decode(errors="replace"))
    return found


def test_git_errors_name_the_repository(tmp_path):
    broken = tmp_path / "x.git"
    broken.mkdir()
    (broken / "HEAD").write_text("garbage\n")
    (broken / "objects").mkdir()
    (broken / "refs").mkdir()

    with pytest.raises(NotAnArchive, match=f"{broken}: .*not a git repository"):
        open_archive(broken)
