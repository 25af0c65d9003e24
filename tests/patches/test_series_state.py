"""Ranking a series' state counts (apps.patches.series_state, pure)."""

from apps.patches.series_state import (
    SeriesState,
    StateCount,
    rank_states,
    rank_states_by_series,
)


def test_most_frequent_state_first():
    counts = rank_states([(3, "rejected", "Rejected", 1), (1, "new", "New", 4)])
    assert counts == (
        StateCount("new", "New", 4),
        StateCount("rejected", "Rejected", 1),
    )


def test_a_tie_goes_by_the_states_order():
    counts = rank_states([(3, "rejected", "Rejected", 2), (1, "new", "New", 2)])
    assert SeriesState(counts, superseded=False).label == "2 new, 2 rejected"


def test_counts_of_several_series_stay_apart():
    ranked = rank_states_by_series(
        [
            (7, 1, "new", "New", 1),
            (8, 2, "accepted", "Accepted", 3),
            (7, 2, "accepted", "Accepted", 2),
        ]
    )
    assert ranked == {
        7: (StateCount("accepted", "Accepted", 2), StateCount("new", "New", 1)),
        8: (StateCount("accepted", "Accepted", 3),),
    }
    assert rank_states([]) == ()
