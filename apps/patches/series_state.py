"""The state of a series, derived from the states of its patches."""

from dataclasses import dataclass

SUPERSEDED = "superseded"


@dataclass(frozen=True)
class StateCount:
    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class SeriesState:
    """A series' state: its patches' states counted, and whether it is superseded.

    ``label`` is what lists and the API show: ``superseded`` when a newer
    version exists, else the one state all patches share (its slug), else a
    summary such as ``3 accepted, 1 new`` (most frequent first); None for a
    series without patches.
    """

    counts: tuple[StateCount, ...]
    superseded: bool

    @property
    def uniform(self) -> str | None:
        return self.counts[0].slug if len(self.counts) == 1 else None

    @property
    def label(self) -> str | None:
        if self.superseded:
            return SUPERSEDED
        if not self.counts:
            return None
        if len(self.counts) == 1:
            return self.counts[0].slug
        return ", ".join(f"{c.count} {c.slug}" for c in self.counts)
