"""Parallel ``parsemail`` processes assemble complete series (upstream's bug B4).

Eight real parsemail processes at a time (``python -m apps.ingest.cli``,
what the MTA wrapper ``scripts/parsemail.sh`` runs; one process per mail,
each storing its mail itself) deliver, in shuffled order, three versions of
a 20-patch series with cover letters, plus replies (each reply is handed out
once its parent was delivered: a reply to a mail not yet stored is dropped
by design), five rounds over. Expected every time: three complete series,
60 patches, 3 cover letters, every reply stored on its parent, nothing
twice, exit 0. A last round goes through the LMTP server.
"""

import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from apps.events.models import Event
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from tests.factories import ProjectFactory
from tests.ingest.helpers import make_mail
from tests.paths import REPO

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5
WORKERS = 8
PATCHES = 20
VERSIONS = (1, 2, 3)
SENDER = "Dev Eloper <dev@example.com>"


@dataclass
class Mail:
    msgid: str
    raw: bytes
    parent: str | None = None  # delivered only after this Message-Id


def diff_for(version: int, number: int) -> str:
    path = f"src/file{number}.c"
    return (
        f"diff --git a/{path} b/{path}\n"
        "index 1111111..2222222 100644\n"
        f"--- a/{path}\n"
        f"+++ b/{path}\n"
        "@@ -1,2 +1,2 @@\n"
        " int x;\n"
        f"-int y = {version};\n"
        f"+int y = {version + 1};\n"
    )


def series_mails(tag: str) -> list[Mail]:
    """Three unthreaded revisions of one series, git send-email style, plus replies."""
    mails = []
    for version in VERSIONS:
        label = "PATCH" if version == 1 else f"PATCH v{version}"
        day = 1 + version
        cover = f"<{tag}-v{version}-0@example.com>"
        mails.append(
            Mail(
                cover,
                make_mail(
                    f"Version {version} of the frobnicator.",
                    msgid=cover,
                    subject=f"[{label} 00/{PATCHES}] Frobnicate everything",
                    sender=SENDER,
                    date=f"Mon, {day:02d} Jan 2024 10:00:00 +0000",
                ),
            )
        )
        for number in range(1, PATCHES + 1):
            msgid = f"<{tag}-v{version}-{number}@example.com>"
            mails.append(
                Mail(
                    msgid,
                    make_mail(
                        f"Change {number}.\n\nSigned-off-by: {SENDER}\n---\n"
                        + diff_for(version, number),
                        msgid=msgid,
                        subject=f"[{label} {number:02d}/{PATCHES}] frob: part {number}",
                        sender=SENDER,
                        date=f"Mon, {day:02d} Jan 2024 10:00:{number:02d} +0000",
                        headers={"In-Reply-To": cover, "References": cover},
                    ),
                )
            )
        reply_to_patch = f"<{tag}-v{version}-3@example.com>"
        for msgid, parent, refs in (
            (f"<{tag}-v{version}-r1@example.com>", cover, cover),
            (
                f"<{tag}-v{version}-r2@example.com>",
                reply_to_patch,
                f"{cover} {reply_to_patch}",
            ),
            (
                f"<{tag}-v{version}-r3@example.com>",
                f"<{tag}-v{version}-r2@example.com>",
                f"{cover} {reply_to_patch} <{tag}-v{version}-r2@example.com>",
            ),
        ):
            mails.append(
                Mail(
                    msgid,
                    make_mail(
                        "Reviewed-by: Rev Iewer <rev@example.com>",
                        msgid=msgid,
                        subject="Re: frob",
                        sender="Rev Iewer <rev@example.com>",
                        date=f"Mon, {day:02d} Jan 2024 11:00:00 +0000",
                        headers={"In-Reply-To": parent, "References": refs},
                    ),
                    parent=parent,
                )
            )
    return mails


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def parsemail(raw: bytes, list_id: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "apps.ingest.cli", "--list-id", list_id],
        input=raw,
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def deliver_in_parallel(mails: list[Mail], list_id: str, env: dict, seed: int):
    """Run one parsemail per mail, WORKERS at a time, in shuffled order."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle
    waiting: dict[str, list[Mail]] = {}
    ready = []
    for mail in mails:
        if mail.parent:
            waiting.setdefault(mail.parent, []).append(mail)
        else:
            ready.append(mail)
    rng.shuffle(ready)
    results = []
    with ThreadPoolExecutor(WORKERS) as pool:
        running: dict[Future, Mail] = {}
        while ready or running:
            while ready and len(running) < WORKERS:
                mail = ready.pop()
                running[pool.submit(parsemail, mail.raw, list_id, env)] = mail
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                mail = running.pop(future)
                results.append((mail, future.result()))
                children = waiting.pop(mail.msgid, [])
                ready.extend(children)
                rng.shuffle(ready)
    return results


def check_round(project, mails, results):
    for mail, run in results:
        stderr = run.stderr.decode()
        assert run.returncode == 0, f"{mail.msgid}: {stderr}"
        assert "Traceback" not in stderr, stderr
        assert "ERROR" not in stderr, stderr
    assert len(results) == len(mails)

    series = list(Series.objects.filter(project=project).order_by("version"))
    assert [s.version for s in series] == list(VERSIONS)
    for one in series:
        numbers = sorted(one.patches.values_list("number", flat=True))
        assert numbers == list(range(1, PATCHES + 1))
        assert one.total == PATCHES
        assert one.cover_letter is not None
        assert one.name == "Frobnicate everything"
    assert Patch.objects.filter(project=project).count() == PATCHES * len(VERSIONS)
    assert Patch.objects.filter(project=project, series=None).count() == 0
    assert Cover.objects.filter(project=project).count() == len(VERSIONS)

    by_msgid = {mail.msgid: mail for mail in mails}
    stored = [
        *PatchComment.objects.filter(patch__project=project).select_related("patch"),
        *CoverComment.objects.filter(cover__project=project).select_related("cover"),
    ]
    replies = [mail for mail in mails if mail.parent]
    assert sorted(c.msgid for c in stored) == sorted(m.msgid for m in replies)
    for comment in stored:
        parent = comment.patch if isinstance(comment, PatchComment) else comment.cover
        expected = by_msgid[comment.msgid].parent
        if expected.endswith("-r2@example.com>"):  # reply to a reply: its patch
            expected = by_msgid[expected].parent
        assert parent.msgid == expected

    events = Event.objects.filter(project=project)
    assert events.filter(category="series-created").count() == len(VERSIONS)
    assert events.filter(category="series-completed").count() == len(VERSIONS)
    assert events.filter(category="patch-completed").count() == PATCHES * len(VERSIONS)
    for patch in Patch.objects.filter(project=project, number=3):
        # Two reviews on patch 3, one on its cover letter (Project.cover_tags).
        assert patch.patchtag_set.get().count == 3


@contextmanager
def lmtp_server(env: dict[str, str]) -> Iterator[dict[str, str]]:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "lmtpserver", "--bind", "127.0.0.1:0"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        line = server.stdout.readline().decode()
        assert line.startswith("Listening on "), "lmtpserver did not start"
        address = line.removeprefix("Listening on ").strip()
        yield {**env, "PATCHSERVER_LMTP_SERVER": address}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server.stdout.close()


def delivery_env(tmp_path: Path) -> dict[str, str]:
    """Environment of the delivering processes: this test's database.

    Bytecode writing stays on so the processes share compiled modules
    instead of each compiling the project's sources again.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url(),
        PATCHSERVER_FAILED_MAIL_DIR=str(tmp_path / "failed"),
    )
    return env


def test_parallel_delivery_assembles_complete_series(tmp_path):
    env = delivery_env(tmp_path)
    # Every round: each process starts Django and stores its mail itself, as
    # with an MTA piping to parsemail.
    for round_number in range(ROUNDS):
        project = ProjectFactory(
            linkname=f"parallel-{round_number}",
            listid=f"parallel-{round_number}.example.com",
        )
        mails = series_mails(f"round{round_number}")
        results = deliver_in_parallel(mails, project.listid, env, seed=round_number)
        check_round(project, mails, results)
    assert not (tmp_path / "failed").exists()


def test_parallel_delivery_through_the_lmtp_server(tmp_path):
    """The same through ``lmtpserver``: its workers queue per project."""
    env = delivery_env(tmp_path)
    project = ProjectFactory(linkname="parallel-server", listid="server.example.com")
    mails = series_mails("server")
    with lmtp_server(env) as server_env:
        results = deliver_in_parallel(mails, project.listid, server_env, seed=99)
    for _, run in results:
        assert b"storing the mail directly" not in run.stderr
        assert b"answered 250" in run.stderr
    check_round(project, mails, results)
    assert not (tmp_path / "failed").exists()
