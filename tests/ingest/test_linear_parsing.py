"""The parser's header and body scans: upstream's answers, in linear time.

Upstream Patchwork reads From, Message-Id, References, List-Id, the subject's
``x/n`` marker and pull requests with backtracking patterns. The parser
replaces them with scans that take linear time; the parity tests compare the
scans with upstream's patterns (kept here as the reference) on short values
drawn from the characters that matter, where backtracking is still cheap.
"""

import datetime as dt
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.ingest.parsing import content, headers, identity, parse_bytes, subject

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

# Upstream's patterns, the reference for the parity tests.
UPSTREAM_FROM = (
    (re.compile(r'"?(.*?)"?\s*<([^>]+)>'), lambda g: (g[0], g[1])),
    (
        re.compile(r"(.*?)\sat\s(.*?)\s*\(([^\)]+)\)"),
        lambda g: (g[2], f"{g[0]}@{g[1]}"),
    ),
    (re.compile(r'"?(.*?)"?\s*\(([^\)]+)\)'), lambda g: (g[1], g[0])),
)
UPSTREAM_ANGLE = re.compile(r"<[^>]*>")
UPSTREAM_LIST_ID = re.compile(r".*<([^>]+)>.*", re.S)
UPSTREAM_MARKER = re.compile(r".*?([0-9]+)(?:/| of )([0-9]+)$")
UPSTREAM_PULL = re.compile(
    r"^The following changes since commit.*"
    r"^are available in the git repository at:\s*\n"
    r"^\s*([\w+-]+(?:://|@)[\w/.@:~-]+[\s\\]*[\w/._-]*)\s*$",
    re.S | re.M | re.I,
)
UPSTREAM_BRACKET = re.compile(r"^\[([^\]]*)\]\s*(.*)$")

PARITY = settings(max_examples=400, deadline=None)


def upstream_split(value: str) -> tuple[str | None, str]:
    for pattern, pick in UPSTREAM_FROM:
        match = pattern.match(value)
        if match:
            return pick(match.groups())
    return None, value


def text_of(alphabet: str, max_size: int = 24) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), max_size=max_size)


@PARITY
@given(text_of('"<>() at\txa@.\u3000', 20))
@example('"" <a>')
@example('a"" <b>')
@example("x at y  (n) (m)")
@example(" at x (()n)")
@example("<> <a>")
def test_from_forms_match_upstream(value):
    assert identity.split_address(value) == upstream_split(value)


@PARITY
@given(text_of("<>a ", 30))
def test_angle_ids_match_upstream(value):
    first = UPSTREAM_ANGLE.search(value)
    assert headers.first_angle(value) == (first.group(0) if first else None)
    assert headers.all_angles(value) == UPSTREAM_ANGLE.findall(value)


@PARITY
@given(text_of("<>a \n", 30))
def test_list_id_brackets_match_upstream(value):
    match = UPSTREAM_LIST_ID.match(value)
    assert headers.last_bracketed(value) == (match.group(1) if match else None)


@PARITY
@given(text_of("01/9 ofPATCHv\u0663", 16))
@example("1 of 2")
@example("v2PATCH1/4")
@example("/5")
def test_series_marker_matches_upstream(value):
    match = UPSTREAM_MARKER.match(value)
    assert subject._marker(value) == (match.groups() if match else None)


def upstream_split_subject(text: str) -> tuple[list[str], str]:
    groups = []
    match = UPSTREAM_BRACKET.match(text)
    while match:
        groups.append(match.group(1))
        text = match.group(2)
        match = UPSTREAM_BRACKET.match(text)
    return groups, text


@PARITY
@given(text_of("[] a,", 30))
def test_bracket_groups_match_upstream(value):
    value = headers.normalise_space(value)
    groups, rest = upstream_split_subject(value)
    name, prefixes = subject.split_subject(value, drop=["x"])
    expected = [
        t
        for group in groups
        for t in subject.split_prefix(group)
        if t.lower() not in ("x", "patch")
    ]
    assert prefixes == expected
    rest = headers.normalise_space(rest)
    assert name == ("[{}] {}".format(",".join(expected), rest) if expected else rest)


SINCE = "The following changes since commit abc\n"
AT = "are available in the git repository at:"
PULL_PIECES = st.sampled_from(
    [SINCE, AT, SINCE.upper(), "ARE AVAILABLE ", "\n", " ", "\t", "\\", "git://"]
) | st.sampled_from("xa@h/._~!:-")


@settings(max_examples=600, deadline=None)
@given(st.lists(PULL_PIECES, max_size=14).map("".join))
@example(f"{SINCE}{AT}\n git://h/p \n\\x!")
@example(f"{SINCE}{AT}\n git://h/p \\\n  branch\n")
@example(f"{SINCE}{AT}\n git://h/p \t\n")
@example(f"{SINCE}{AT}\n git://h/p\n{AT}\n git://h/q x")
def test_pull_request_url_matches_upstream(body):
    match = UPSTREAM_PULL.search(body)
    expected = re.sub(r"\s+", " ", match.group(1)).strip() if match else None
    assert content.pull_request_url(body) == expected


def long_thread_mail(references: str, subject_text: str = "Re: [PATCH] x") -> bytes:
    return (
        "From: A <a@example.com>\n"
        f"Subject: {subject_text}\n"
        "Message-Id: <reply@example.com>\n"
        f"References: {references}\n"
        "\nText.\n"
    ).encode()


def test_an_overlong_references_header_keeps_its_nearest_ids():
    ids = [f"<id-{i}@example.com>" for i in range(3000)]  # about 60 KiB
    parsed = parse_bytes(long_thread_mail(" ".join(ids)), received_at=NOW)
    assert parsed.references[:3] == (ids[-1], ids[-2], ids[-3])
    assert len(parsed.references) == headers.MAX_REFERENCES
    assert set(parsed.references) <= set(ids)  # no id cut in half


def test_other_overlong_headers_keep_their_start():
    raw = long_thread_mail("<p@example.com>", "[PATCH] " + "word " * 20_000)
    parsed = parse_bytes(raw, received_at=NOW)
    assert parsed.subject is not None
    assert parsed.subject.startswith("[PATCH] word word")
    assert len(parsed.subject) <= headers.MAX_HEADER
    assert max(map(len, parsed.headers.split("\n"))) < 100  # refolded, cut
    assert len(parsed.headers) < 2 * headers.MAX_HEADER
