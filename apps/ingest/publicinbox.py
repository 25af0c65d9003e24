"""public-inbox archives as a source of mails for ``parsearchive``.

A v2 inbox is a directory whose ``git/0.git``, ``git/1.git``... ("epochs")
each hold a part of the archive, one mail per commit; a v1 inbox is one git
repository. Mails are read in epoch order, then commit order, and the last
commit handled in each epoch is remembered (``InboxProgress``) so that the
next run reads only what came after it.
"""

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from apps.ingest import gitmail
from apps.ingest.gitmail import GitError
from apps.ingest.models import InboxProgress

logger = logging.getLogger(__name__)

_EPOCH = re.compile(r"(\d{1,9})\.git")


class NotAnInbox(Exception):
    """The directory is not a public-inbox archive that can be read."""


@dataclass(frozen=True)
class Layout:
    """A public-inbox archive's format and git repositories, in reading order."""

    version: int  # 1 or 2
    repositories: list[tuple[int, Path]]  # (epoch, repository); v1: epoch 0

    @property
    def mail_path(self) -> re.Pattern[bytes]:
        return gitmail.V2_MAIL if self.version == 2 else gitmail.V1_MAIL


def find_layout(path: Path) -> Layout | None:
    """Tell whether ``path`` is a public-inbox archive, and which.

    v2: a directory of ``git/N.git`` epochs (other entries, such as
    ``all.git``, are public-inbox's own). v1: a git repository, bare or not.
    None when it is neither.
    """
    epochs = path / "git"
    if epochs.is_dir():
        found = [
            (int(match[1]), child)
            for child in epochs.iterdir()
            if (match := _EPOCH.fullmatch(child.name)) and child.is_dir()
        ]
        if found:
            return Layout(2, sorted(found))
    for repository in (path, path / ".git"):
        if (
            (repository / "HEAD").is_file()
            and (repository / "objects").is_dir()
            and (repository / "refs").is_dir()
        ):
            return Layout(1, [(0, repository)])
    return None


@dataclass
class Epoch:
    """The mails one repository holds that this run reads."""

    number: int
    repository: Path
    listing: gitmail.Listing
    recorded: str | None  # the commit the progress row names now


class InboxArchive:
    """The new mails of a public-inbox archive, and how far they were handled."""

    def __init__(self, path: Path, list_id: str, epochs: list[Epoch]) -> None:
        self.path = path
        self.list_id = list_id
        self.epochs = epochs

    def __len__(self) -> int:
        return sum(len(epoch.listing) for epoch in self.epochs)

    def __iter__(self) -> Iterator[bytes]:
        for epoch in self.epochs:
            if len(epoch.listing):
                yield from gitmail.read_blobs(epoch.repository, epoch.listing)

    def handled(self, count: int) -> None:
        """Remember that the first ``count`` mails of this run were handled.

        Each epoch records the commit of its last handled mail; an epoch
        whose every mail was handled records the last commit listed, so
        removals at its end are not listed again.
        """
        before = 0
        for epoch in self.epochs:
            mails = len(epoch.listing)
            if count >= before + mails:
                commit = epoch.listing.last
            elif count > before:
                commit = epoch.listing.commit(count - before - 1)
            else:
                return
            if commit is not None and commit != epoch.recorded:
                InboxProgress.objects.update_or_create(
                    list_id=self.list_id,
                    inbox=str(self.path),
                    epoch=epoch.number,
                    defaults={"commit": commit},
                )
                epoch.recorded = commit
            before += mails


def open_inbox(
    path: Path,
    layout: Layout,
    *,
    list_id: str | None,
    since: dt.datetime | None,
) -> InboxArchive:
    """List the mails of the inbox at ``path`` not read yet. Raises NotAnInbox."""
    path = path.resolve()
    scope = list_id or ""
    recorded = dict(
        InboxProgress.objects.filter(list_id=scope, inbox=str(path)).values_list(
            "epoch", "commit"
        )
    )
    epochs = []
    for number, repository in layout.repositories:
        try:
            epoch = _epoch(
                number, repository, recorded.get(number), since, layout.mail_path
            )
        except GitError as exc:
            raise NotAnInbox(str(exc)) from exc
        if epoch is not None:
            epochs.append(epoch)
    return InboxArchive(path, scope, epochs)


def _epoch(
    number: int,
    repository: Path,
    recorded: str | None,
    since: dt.datetime | None,
    mail_path: re.Pattern[bytes],
) -> Epoch | None:
    tip = gitmail.head(repository)
    if tip is None or tip == recorded:
        return None
    after = recorded
    if recorded is not None and not gitmail.is_ancestor(repository, recorded, tip):
        # public-inbox rewrites an epoch's history when it purges a mail.
        logger.warning(
            "%s: the commit read last (%s) is no longer in its history; "
            "reading the whole epoch again (stored mails are duplicates)",
            repository,
            recorded,
        )
        after = None
    listing = gitmail.list_mails(
        repository,
        tip,
        after=after,
        since=int(since.timestamp()) if since is not None else None,
        mail_path=mail_path,
    )
    if listing.last is None:  # --since left nothing: next time, start here
        listing.last = tip
    return Epoch(number, repository, listing, recorded)
