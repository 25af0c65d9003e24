"""What other objects show of a patch: plain values, no model behind them."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProjectLinks:
    """What links to a project's messages read of the project."""

    linkname: str
    list_archive_url_format: str


@dataclass(frozen=True, slots=True)
class EmbeddedPatch:
    """A patch as its series shows it: the fields and what its links read."""

    id: int
    msgid: str
    name: str
    date: dt.datetime
    project: ProjectLinks

    @property
    def pk(self) -> int:
        return self.id
