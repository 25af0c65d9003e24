"""The parser's scans against upstream's patterns, on every short value.

``test_linear_parsing`` draws random values; a slip that only shows on a
rare arrangement (an empty ``()`` before the real comment, a second ``at``,
a bracket at the very start) can go unnoticed there for many runs. Here the
values are every sequence of a few tokens chosen so that each branch of the
scans is reached, so such a slip fails on every run.
"""

import itertools
import re

from apps.ingest.parsing import content, headers, identity, subject
from tests.ingest.test_linear_parsing import (
    AT,
    SINCE,
    UPSTREAM_ANGLE,
    UPSTREAM_LIST_ID,
    UPSTREAM_MARKER,
    UPSTREAM_PULL,
    upstream_split,
)


def sequences(tokens: list[str], longest: int) -> list[str]:
    """Every concatenation of up to ``longest`` tokens (repeats dropped)."""
    values = {
        "".join(combo)
        for size in range(longest + 1)
        for combo in itertools.product(tokens, repeat=size)
    }
    return sorted(values)


def mismatches(values, ours, upstream) -> list[tuple[str, object, object]]:
    found = []
    for value in values:
        mine, theirs = ours(value), upstream(value)
        if mine != theirs:
            found.append((value, mine, theirs))
    return found[:5]


FROM_TOKENS = ["a", " ", "at", "(", ")", "()", "<", ">", '"']


def test_from_forms_match_upstream_on_every_short_value():
    values = sequences(FROM_TOKENS, 5)
    assert mismatches(values, identity.split_address, upstream_split) == []


def test_spelled_out_forms_match_upstream():
    """``user at host (Name)`` with decoys: several ``at``, empty ``()``, ends."""
    values = [
        "at x (n) ",
        "xat y (n)",
        "a atb (n)",
        "a at b at c (n)",
        "xat a at b (n)",
        "xat a at b at c (n)",
        "x at",
        "a (n) at",
        "a (n) at ",
        "a at b () (n)",
        "a at b () (n) (m)",
        "a at b (c) x (n)",
        "a at b ()",
        "a at b (n) ()",
        "(a at b (n)",
        "a at (n)",
        "a at  (n)",
        " at b (n)",
        "a at b(n)",
        "a at b ((n))",
        "a at b (n))",
        "a at b ()) (n)",
        "a) at b (n)",
        "a at b)(n)",
        "a at b (n) x)",
    ]
    assert mismatches(values, identity.split_address, upstream_split) == []


def first_angle(value: str) -> str | None:
    match = UPSTREAM_ANGLE.search(value)
    return match.group(0) if match else None


def test_angle_ids_match_upstream_on_every_short_value():
    values = sequences(["<", ">", "a", " "], 7)
    assert mismatches(values, headers.first_angle, first_angle) == []
    assert mismatches(values, headers.all_angles, UPSTREAM_ANGLE.findall) == []


def list_id(value: str) -> str | None:
    match = UPSTREAM_LIST_ID.match(value)
    return match.group(1) if match else None


def test_list_id_brackets_match_upstream_on_every_short_value():
    values = sequences(["<", ">", "a", " ", "\n", "<>"], 6)
    assert mismatches(values, headers.last_bracketed, list_id) == []


def marker(value: str) -> tuple[str, str] | None:
    match = UPSTREAM_MARKER.match(value)
    return match.groups() if match else None  # type: ignore[return-value]


def test_series_marker_matches_upstream_on_every_short_value():
    values = sequences(["1", "23", "/", " of ", "P", " ", "\u0663"], 5)
    assert mismatches(values, subject._marker, marker) == []


def pull_url(body: str) -> str | None:
    match = UPSTREAM_PULL.search(body)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else None


def test_pull_request_url_ends_where_upstream_ends_it():
    """The repository line's end: blanks, backslashes, a branch, line breaks."""
    endings = sequences([" ", "\t", "\n", "\\", "b", "!"], 5)
    bodies = [f"{SINCE}{AT}\n git://h/p{ending}" for ending in endings]
    assert mismatches(bodies, content.pull_request_url, pull_url) == []
