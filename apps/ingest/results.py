"""What became of one mail (shared by ingest, its commands and pending replies)."""

import enum
from dataclasses import dataclass

from django.db.models import Model


class Outcome(enum.Enum):
    PATCH = "patch"
    COVER = "cover"
    PATCH_COMMENT = "patch comment"
    COVER_COMMENT = "cover comment"
    DUPLICATE = "duplicate"
    DROPPED = "dropped"
    WAITING = "waiting"  # a reply kept until the mail it answers is stored

    @property
    def stored(self) -> bool:
        return self not in (Outcome.DUPLICATE, Outcome.DROPPED, Outcome.WAITING)


@dataclass(frozen=True)
class IngestResult:
    """What became of one mail.

    ``obj`` is the stored row (or None); ``reason`` says why a mail was
    dropped (no project, ignore hint, nothing to store, unknown parent).
    """

    outcome: Outcome
    msgid: str | None = None
    obj: Model | None = None
    reason: str = ""
    # Replies that were waiting for this mail and are stored now.
    released: tuple["IngestResult", ...] = ()

    def describe(self) -> str:
        if self.outcome is Outcome.DROPPED:
            return f"nothing stored: {self.reason}"
        if self.outcome is Outcome.WAITING:
            return f"kept, {self.reason}"
        if self.outcome is Outcome.DUPLICATE:
            return f"duplicate of an already stored mail {self.msgid}"
        assert self.obj is not None  # every stored outcome names its object
        return f"stored {self.outcome.value} {self.msgid} (id {self.obj.pk})"


def dropped(reason: str, msgid: str | None = None) -> IngestResult:
    return IngestResult(Outcome.DROPPED, msgid=msgid, reason=reason)
