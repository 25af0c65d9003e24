"""Build public-inbox archives with git itself, as public-inbox lays them out.

No Django here: the ingest benchmark builds its inboxes with this module too.
Commits are written by one ``git fast-import`` per call, so an inbox of
many thousands of mails takes seconds.
"""

import email
import hashlib
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BRANCH = "refs/heads/master"
IDENT = b"Inbox Writer <inbox@example.org>"
# Commits are made a minute apart from here unless told otherwise.
START = 1_700_000_000


@dataclass(frozen=True)
class Removal:
    """A public-inbox removal of ``mail`` (v2 moves it from ``m`` to ``d``)."""

    mail: bytes


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    run = subprocess.run(
        ["git", f"--git-dir={repo}", *args],
        input=data,
        capture_output=True,
        check=True,
    )
    return run.stdout.decode().strip()


def init_repository(repo: Path) -> Path:
    repo.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=master", str(repo)],
        check=True,
    )
    return repo


def v1_path(raw: bytes) -> str:
    """Where v1 keeps a mail: the SHA-1 of its Message-ID, split 2/38."""
    msgid = (email.message_from_bytes(raw)["Message-ID"] or "").strip()
    digest = hashlib.sha1(msgid.strip("<>").encode(), usedforsecurity=False)
    return f"{digest.hexdigest()[:2]}/{digest.hexdigest()[2:]}"


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def append(
    repo: Path,
    entries: Sequence[bytes | Removal],
    *,
    v1: bool = False,
    times: Sequence[int] | None = None,
) -> list[str]:
    """Commit each mail (or removal) on top of ``repo``'s branch; return the ids.

    v2: each commit's tree is the one file ``m`` (a removal: ``d``, holding
    the mail removed). v1: each mail is added at its ``v1_path`` next to the
    earlier ones; a removal deletes it. ``times`` are the
    commits' Unix times.
    """
    tip = git(repo, "for-each-ref", "--format=%(objectname)", BRANCH)
    count = int(git(repo, "rev-list", "--count", BRANCH)) if tip else 0
    stream = bytearray()
    for index, entry in enumerate(entries):
        when = times[index] if times else START + 60 * (count + index)
        stream += b"commit %s\nmark :%d\n" % (BRANCH.encode(), index + 1)
        stream += b"committer %s %d +0000\n" % (IDENT, when)
        stream += _data(b"removal" if isinstance(entry, Removal) else b"mail")
        if index == 0 and tip:
            stream += b"from %s\n" % tip.encode()
        stream += _tree_change(entry, v1=v1) + b"\n"
    git(repo, "fast-import", "--quiet", data=bytes(stream))
    return git(repo, "rev-list", "--reverse", f"-{len(entries)}", BRANCH).split()


def _tree_change(entry: bytes | Removal, *, v1: bool) -> bytes:
    if isinstance(entry, Removal):
        if v1:
            return b"D %s\n" % v1_path(entry.mail).encode()
        return b"D m\nM 100644 inline d\n" + _data(entry.mail)
    if v1:
        return b"M 100644 inline %s\n" % v1_path(entry).encode() + _data(entry)
    return b"deleteall\nM 100644 inline m\n" + _data(entry)


def write_v2(inbox: Path, epochs: Sequence[Sequence[bytes | Removal]]) -> Path:
    """Make a v2 inbox at ``inbox`` whose epoch N holds ``epochs[N]``."""
    for number, entries in enumerate(epochs):
        repo = init_repository(inbox / "git" / f"{number}.git")
        if entries:
            append(repo, entries)
    return inbox
