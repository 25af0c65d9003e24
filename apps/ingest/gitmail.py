"""Read mails stored one per commit in a git repository, as public-inbox does.

Two git processes read a repository, whatever its size: ``git log --raw``
lists the commits in order with the blob each added (``rev-list`` cannot
show that blob, and v1 archives need it: their trees hold every mail), and
``git cat-file --batch`` streams those blobs. Two quick look-ups come
before (the tip, and whether the commit read last is still in the
history). Nothing is checked out and no process is started per mail.
"""

import datetime as dt
import itertools
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GIT = "git"

# Where a mail sits in a commit's tree: v2 keeps one file "m" per commit
# (a removal replaces it with "d"); v1 adds a file named after the SHA-1 of
# the Message-ID, split 2/38, and keeps every earlier one.
V2_MAIL = re.compile(rb"m")
V1_MAIL = re.compile(rb"[0-9a-f]{2}/[0-9a-f]{38}")
_FILE_MODES = {b"100644", b"100755"}
_ADDED = {b"A", b"M"}
# Blob ids sent to cat-file ahead of the one being read: 64 bytes each at
# most (SHA-256), far below the smallest pipe buffer of common systems.
IN_FLIGHT = 32


class GitError(Exception):
    """git failed, or the repository lacks an object it lists."""


@dataclass
class Listing:
    """The commits of a repository that add a mail, in order, packed.

    Each entry is the commit's id and its mail's blob id, as bytes, side by
    side: millions of commits take tens of megabytes, not hundreds.
    """

    width: int  # bytes of one object id
    packed: bytearray
    # The newest commit listed, mail or not: where the next run starts.
    last: str | None

    def __len__(self) -> int:
        return len(self.packed) // (2 * self.width)

    def commit(self, index: int) -> str:
        start = 2 * self.width * index
        return self.packed[start : start + self.width].hex()

    def blobs(self) -> Iterator[bytes]:
        """Yield the blob ids in order, hex, one a line (as cat-file reads them)."""
        step = 2 * self.width
        for start in range(self.width, len(self.packed), step):
            yield self.packed[start : start + self.width].hex().encode() + b"\n"


def _git(repo: Path, *args: str) -> list[str]:
    return [GIT, f"--git-dir={repo}", *args]


def _failure(repo: Path, stderr: bytes) -> GitError:
    """Make the error git reported: its "fatal:" line, not the advice after."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    reason = (errors or lines or ["git failed"])[0]
    return GitError(f"{repo}: {reason}")


def head(repo: Path) -> str | None:
    """Return the commit HEAD names, or None if the repository has none yet."""
    try:
        run = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            _git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:  # the first git command of a run
        raise GitError(
            f"{GIT} not found: public-inbox archives are read with git"
        ) from exc
    if run.returncode == 0:
        return run.stdout.decode().strip()
    if run.returncode == 1 and not run.stderr.strip():
        return None
    raise _failure(repo, run.stderr)


def is_ancestor(repo: Path, commit: str, tip: str) -> bool:
    """Whether ``commit`` exists and ``tip`` descends from it."""
    run = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        _git(repo, "merge-base", "--is-ancestor", commit, tip),
        capture_output=True,
        check=False,
    )
    return run.returncode == 0


def list_mails(
    repo: Path,
    tip: str,
    *,
    after: str | None = None,
    since: int | None = None,
    mail_path: re.Pattern[bytes] = V2_MAIL,
) -> Listing:
    """List the commits up to ``tip`` (oldest first) and the mail each adds.

    ``after``: only commits that ``after`` does not already contain.
    ``since`` (a Unix time): only the commits after the newest one whose
    commit date is older (git's ``--since``: dates out of order further
    back do not bring older commits in). A commit that adds no file at
    ``mail_path`` (a removal) is left out, but is still the ``last``
    commit if it comes at the end.
    """
    args = ["log", "--reverse", "--topo-order", "--no-renames", "--raw"]
    args += ["--no-abbrev", "--format=%H"]
    if since is not None:
        # Written out in full: git reads "@N" as a Unix time only for large N.
        when = dt.datetime.fromtimestamp(max(since, 0), dt.UTC)
        args.append(f"--since={when:%Y-%m-%d %H:%M:%S} +0000")
    args += [tip, *([f"^{after}"] if after else []), "--"]
    # Errors go to a file: a pipe nobody reads until the end could fill up.
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            _git(repo, *args), stdout=subprocess.PIPE, stderr=errors
        ) as process,
    ):
        assert process.stdout is not None
        listing = _read_listing(process.stdout, mail_path)
        process.wait()
        if process.returncode != 0:
            errors.seek(0)
            raise _failure(repo, errors.read(4096))
    return listing


def _read_listing(lines: Iterable[bytes], mail_path: re.Pattern[bytes]) -> Listing:
    packed = bytearray()
    commit: bytes | None = None
    blob: bytes | None = None
    for line in lines:
        if line.startswith(b":"):
            # ":old-mode new-mode old-id new-id status\tpath"
            meta, _, path = line.rstrip(b"\n").partition(b"\t")
            fields = meta.split()
            if (
                blob is None
                and len(fields) == 5
                and fields[1] in _FILE_MODES
                and fields[4] in _ADDED
                and mail_path.fullmatch(path)
            ):
                blob = fields[3]
        elif line.strip():
            if commit is not None and blob is not None:
                packed += bytes.fromhex(commit.decode()) + bytes.fromhex(blob.decode())
            commit, blob = line.strip(), None
    if commit is not None and blob is not None:
        packed += bytes.fromhex(commit.decode()) + bytes.fromhex(blob.decode())
    width = len(commit) // 2 if commit is not None else 20
    return Listing(width, packed, commit.decode() if commit is not None else None)


def read_blobs(repo: Path, listing: Listing) -> Iterator[bytes]:
    """Yield the bytes of every mail of ``listing``, in order, from one process.

    ``git cat-file --batch`` gets the next ids while it answers the ones
    before, ``IN_FLIGHT`` at most: few enough that their ids always fit in
    the pipe, so writing them never waits for git, which may itself be
    waiting for this to read. Stopping early ends the process.
    """
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            _git(repo, "cat-file", "--batch"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        ids = listing.blobs()
        try:
            _send(process.stdin, ids, IN_FLIGHT)
            for _ in range(len(listing)):
                data = _read_object(repo, process.stdout, errors)
                _send(process.stdin, ids, 1)
                yield data
        finally:
            process.kill()
            process.wait()
            process.stdin.close()
            process.stdout.close()


def _send(pipe: IO[bytes], ids: Iterator[bytes], count: int) -> None:
    lines = b"".join(itertools.islice(ids, count))
    if lines:
        try:
            pipe.write(lines)
            pipe.flush()
        except BrokenPipeError:  # git ended; reading its answers says why
            pass


def _read_object(repo: Path, stream: IO[bytes], errors: IO[bytes]) -> bytes:
    header = stream.readline()
    fields = header.split()
    if not header:  # git ended: say why
        errors.seek(0)
        raise _failure(repo, errors.read(4096))
    if len(fields) != 3 or fields[1] != b"blob":
        found = header.decode("utf-8", "replace").strip()
        raise GitError(f"{repo}: expected a mail's blob, git gave {found!r}")
    size = int(fields[2])
    data = stream.read(size)
    if len(data) != size or stream.read(1) != b"\n":
        raise GitError(f"{repo}: git stopped in the middle of a mail")
    return data
