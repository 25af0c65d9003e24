"""Read mail archives: mbox files (plain or mboxrd), Maildir folders, public-inbox."""

import datetime as dt
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from apps.ingest import publicinbox

# mboxrd quotes every line matching ">*From " with one more ">"; removing one
# restores the text (for plain mbox files this undoes the ">From " quoting,
# which is all such files can represent).
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def unquote_from(raw: bytes) -> bytes:
    """Undo mboxrd ``>From`` quoting in one message."""
    if b">From " not in raw:
        return raw
    return _QUOTED_FROM.sub(rb"\1", raw)


class MailSource(Protocol):
    """Raw mails in order, how many, and a place to note how far they were handled."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[bytes]: ...

    def handled(self, count: int) -> None:
        """Note that the first ``count`` mails were stored, dropped or saved."""


class NotAnArchive(Exception):
    """A path that exists but holds no archive of a kind this reads."""


@dataclass
class Archive:
    """One mbox file or Maildir folder: how many mails, and their bytes in order."""

    path: Path
    box: mailbox.Mailbox
    keys: list[str]
    unquote: bool

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[bytes]:
        for key in self.keys:
            raw = self.box.get_bytes(key)
            yield unquote_from(raw) if self.unquote else raw

    def handled(self, count: int) -> None:
        """Nothing to note: reading a file again finds duplicates."""


def open_archive(
    path: Path,
    *,
    unquote: bool = True,
    list_id: str | None = None,
    since: dt.datetime | None = None,
) -> MailSource:
    """Open ``path``: an mbox file, a Maildir or a public-inbox archive.

    mbox mails come in file order. Maildir mails come in file name order,
    which for names made by delivery agents is delivery order (upstream uses
    the directory listing order, which is arbitrary). ``unquote`` undoes
    ``>From`` quoting in mbox files (upstream keeps it). A public-inbox
    archive gives the mails its last run for ``list_id`` did not read
    (``apps.ingest.publicinbox``), made at or after ``since`` if given.
    Raises ``FileNotFoundError`` for a missing path and ``NotAnArchive``
    for a directory of no known kind, or ``since`` given for a kind of
    archive that does not record dates.
    """
    if path.is_dir() and not _is_maildir(path):
        layout = publicinbox.find_layout(path)
        if layout is None:
            raise NotAnArchive(
                f"{path} is neither a Maildir nor a public-inbox archive "
                "(a directory of git/N.git epochs, or a git repository)"
            )
        try:
            return publicinbox.open_inbox(path, layout, list_id=list_id, since=since)
        except publicinbox.NotAnInbox as exc:
            raise NotAnArchive(
                f"{path}: not a readable public-inbox archive: {exc}"
            ) from exc
    if since is not None:
        raise NotAnArchive(f"{path}: --since applies to public-inbox archives only")
    if path.is_dir():
        box: mailbox.Mailbox = mailbox.Maildir(path, factory=None, create=False)
        keys = sorted(box.iterkeys())
        return Archive(path, box, keys, unquote=False)
    if not path.is_file():
        raise FileNotFoundError(path)
    box = mailbox.mbox(path, factory=None, create=False)
    return Archive(path, box, list(box.iterkeys()), unquote=unquote)


def _is_maildir(path: Path) -> bool:
    # tmp is where delivery agents write; a copied folder may lack it.
    return (path / "cur").is_dir() and (path / "new").is_dir()
