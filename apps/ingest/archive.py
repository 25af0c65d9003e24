"""Read mail archives: mbox files (plain or mboxrd) and Maildir folders."""

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# mboxrd quotes every line matching ">*From " with one more ">"; removing one
# restores the text (for plain mbox files this undoes the ">From " quoting,
# which is all such files can represent).
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def unquote_from(raw: bytes) -> bytes:
    """Undo mboxrd ``>From`` quoting in one message."""
    if b">From " not in raw:
        return raw
    return _QUOTED_FROM.sub(rb"\1", raw)


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


def open_archive(path: Path, *, unquote: bool = True) -> Archive:
    """Open ``path``: a directory is read as a Maildir, a file as an mbox.

    mbox mails come in file order. Maildir mails come in file name order,
    which for names made by delivery agents is delivery order (upstream uses
    the directory listing order, which is arbitrary). ``unquote`` undoes
    ``>From`` quoting in mbox files (upstream keeps it). Raises
    ``FileNotFoundError`` for a missing path.
    """
    if path.is_dir():
        box: mailbox.Mailbox = mailbox.Maildir(path, factory=None, create=False)
        keys = sorted(box.iterkeys())
        return Archive(path, box, keys, unquote=False)
    if not path.is_file():
        raise FileNotFoundError(path)
    box = mailbox.mbox(path, factory=None, create=False)
    return Archive(path, box, list(box.iterkeys()), unquote=unquote)
