"""What the parser extracts from one mail: plain, immutable values.

Nothing here knows about the database. Anything that needs a lookup (the
project, the person, a state, a delegate, the parent of a reply) comes back as
a hint for the persistence layer to resolve.
"""

import datetime as dt
import enum
from dataclasses import dataclass, field


class Kind(enum.Enum):
    """What a mail will be stored as, as far as the mail alone can tell.

    ``COVER`` and ``COMMENT`` are candidates: a threaded cover letter whose
    name is already taken is handled as a reply, and a reply is only stored
    when its parent is known.
    """

    PATCH = "patch"
    COVER = "cover"
    COMMENT = "comment"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class Hints:
    """The ``X-Patchwork-*`` control headers, cleaned but not interpreted."""

    ignore: bool = False
    state: str | None = None
    delegate: str | None = None
    action_required: bool = False


@dataclass(frozen=True, slots=True)
class SenderHeaders:
    """The headers that name the sender (DMARC un-munging needs all of them)."""

    from_: str | None
    x_original_from: str | None = None
    reply_to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Author:
    """A sender: address as written (case kept) and display name, if any."""

    email: str
    name: str | None


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """What the Subject says once a project's link name is known."""

    name: str
    prefixes: tuple[str, ...]
    number: int | None  # the x of x/n
    total: int | None  # the n of x/n
    version: int
    versioned: bool = False  # the subject writes the version (vN or (vN))


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """One mail, parsed.

    ``msgid`` is None when the Message-Id header is unusable and ``subject``
    is None when the Subject cannot be decoded; the caller raises the matching
    error only once it knows the mail would be stored (as upstream does).
    """

    msgid: str | None
    subject: str | None
    is_reply: bool
    number: int | None  # the x of x/n: 0 is a cover letter
    references: tuple[str, ...]
    date: dt.datetime
    headers: str
    diff: str | None
    content: str
    pull_url: str | None
    list_ids: tuple[str, ...]
    sender: SenderHeaders
    hints: Hints = field(default_factory=Hints)
    depends_on: tuple[str, ...] = ()

    @property
    def kind(self) -> Kind:
        if not (self.diff or self.content):
            return Kind.NOTHING
        if not self.is_reply and (self.diff or self.pull_url):
            return Kind.PATCH
        if not self.is_reply and self.number == 0:
            return Kind.COVER
        return Kind.COMMENT
