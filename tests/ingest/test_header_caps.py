"""Over-long headers: what is kept of them in the stored header block.

``headers.MAX_HEADER`` bounds every header value. References and
In-Reply-To keep their end (the nearest ancestors), cut at a whole id;
every other header keeps its start; a value at the limit is kept whole.
"""

import datetime as dt
from email.header import decode_header, make_header

from apps.ingest.parsing import headers, parse_bytes

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
LIMIT = headers.MAX_HEADER


def parse(extra_headers: str):
    raw = (
        "From: A <a@example.com>\n"
        "Subject: Re: [PATCH] x\n"
        "Message-Id: <reply@example.com>\n"
        f"{extra_headers}"
        "\nText.\n"
    )
    return parse_bytes(raw.encode(), received_at=NOW)


def stored(parsed, name: str) -> str:
    """The value of header ``name`` in the stored block, unfolded."""
    block = parsed.headers.replace("\n ", " ").replace("\n\t", " ")
    for line in block.split("\n"):
        if line.startswith(f"{name}: "):
            return line[len(name) + 2 :]
    raise AssertionError(f"no {name} header stored")


def test_an_overlong_references_header_is_stored_from_a_whole_id():
    ids = [f"<id-{i}@example.com>" for i in range(3000)]
    parsed = parse(f"References: {' '.join(ids)}\n")
    kept = stored(parsed, "References")
    assert kept.startswith("<id-")
    assert kept.endswith(ids[-1])
    assert len(kept) <= LIMIT
    assert kept.split() == ids[-len(kept.split()) :]


def test_an_overlong_reference_without_ids_keeps_its_end():
    value = "x" * LIMIT + "y" * 100  # no <id> at all: cut, not emptied
    parsed = parse(f"In-Reply-To: {value}\n")
    assert stored(parsed, "In-Reply-To").replace(" ", "") == value[-LIMIT:]
    assert parsed.references == (value[-LIMIT:],)


def test_a_reference_at_the_limit_is_kept_whole():
    # Old mailers write In-Reply-To as text around the id. At exactly the
    # limit nothing is cut, even while another header is over it.
    value = "Your message of Mon, 1 Jan 2024 <p@example.com> " + "x" * LIMIT
    value = value[:LIMIT]
    parsed = parse(f"In-Reply-To: {value}\nX-Long: {'z' * (LIMIT + 1)}\n")
    assert stored(parsed, "In-Reply-To").startswith("Your message of Mon")
    assert parsed.references == ("<p@example.com>",)
    assert len(stored(parsed, "X-Long").replace(" ", "")) == LIMIT


# --- encoded values are folded as mail folds them ----------------------------------

LONG_NAME = "X-Note-Header-With-A-Long-Name"


def stored_lines(parsed, name: str) -> list[str]:
    """The physical lines of header ``name`` in the stored block."""
    lines = parsed.headers.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}: "))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t"):
        end += 1
    return lines[start:end]


def test_a_long_encoded_value_is_folded_with_tabs_within_76_characters():
    parsed = parse(f"{LONG_NAME}: =?utf-8?q?{'caf=C3=A9_' * 12}?=\n")
    lines = stored_lines(parsed, LONG_NAME)
    assert len(lines) == 2
    # The first line's length counts the header's name.
    assert len(lines[0]) <= 76
    assert lines[1].startswith("\t=?utf-8?b?")
    value = "".join(lines)[len(LONG_NAME) + 2 :]
    assert str(make_header(decode_header(value))) == "café " * 12


def test_an_undecodable_long_value_is_relabelled_and_folded_the_same_way():
    parsed = parse(f"{LONG_NAME}: =?utf-8?q?{'caf=FF_' * 12}?=\n")
    lines = stored_lines(parsed, LONG_NAME)
    assert len(lines) == 2
    assert len(lines[0]) <= 76
    assert lines[0].startswith(f"{LONG_NAME}: =?unknown-8bit?b?")
    assert lines[1].startswith("\t=?unknown-8bit?b?")
