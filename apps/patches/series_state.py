"""The state of a series, derived from the states of its patches."""

from collections import defaultdict
from collections.abc import Iterable
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


# One state's patches in a series: (state ordering, slug, name, patch count).
CountedState = tuple[int, str, str, int]


def rank_states(counted: Iterable[CountedState]) -> tuple[StateCount, ...]:
    """Return the counts most frequent first, a tie in the states' own order."""
    ranked = sorted(counted, key=lambda row: (-row[3], row[0]))
    return tuple(StateCount(slug, name, count) for _, slug, name, count in ranked)


def rank_states_by_series(
    rows: Iterable[tuple[int, int, str, str, int]],
) -> dict[int, tuple[StateCount, ...]]:
    """Rank the counts of several series, given as (series id, *CountedState)."""
    by_series: dict[int, list[CountedState]] = defaultdict(list)
    for series_id, ordering, slug, name, count in rows:
        by_series[series_id].append((ordering, slug, name, count))
    return {key: rank_states(counted) for key, counted in by_series.items()}
