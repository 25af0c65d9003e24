"""Mail bodies as stored: the content and diff of patches, comments and covers.

Each test states the exact text a stored row holds, so that a slip in the
diff/prose split or in joining parts changes what the test sees.
"""

import datetime as dt

from apps.ingest.parsing import Kind, parse_bytes

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
HEAD = "From: A <a@example.com>\nMessage-Id: <m@example.com>\n"


def parse(subject: str, body: str, content_type: str = ""):
    raw = f"{HEAD}Subject: {subject}\n{content_type}\n{body}"
    return parse_bytes(raw.encode(), received_at=NOW)


def two_plain_parts(first: str, second: str) -> tuple[str, str]:
    content_type = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XYZ\n"
    body = (
        "--XYZ\nContent-Type: text/plain\n\n"
        f"{first}\n"
        "--XYZ\nContent-Type: text/plain\n\n"
        f"{second}\n"
        "--XYZ--\n"
    )
    return content_type, body


def test_a_dashed_line_that_opens_no_diff_stays_in_the_text():
    body = "Hello.\n--- not a diff\nStill prose.\n"
    parsed = parse("[PATCH] x", body)
    assert parsed.diff is None
    assert parsed.content == "Hello.\n--- not a diff\nStill prose."
    assert parsed.kind is Kind.COMMENT


def test_a_dashed_line_before_a_real_diff_stays_in_the_text():
    body = "Intro.\n--- old note\nMore.\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
    parsed = parse("[PATCH] x", body)
    assert parsed.diff == "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
    assert parsed.content == "Intro.\n--- old note\nMore."


def test_a_reply_in_two_plain_parts_keeps_both_one_line_apart():
    content_type, body = two_plain_parts("  First part.  ", "Second part.")
    parsed = parse("Re: [PATCH] x", body, content_type)
    assert parsed.is_reply
    assert parsed.content == "First part.\nSecond part."


def test_a_reply_in_one_part_is_stored_trimmed():
    parsed = parse("Re: [PATCH] x", "\n  Looks good.  \n\n")
    assert parsed.content == "Looks good."


def test_a_part_its_charset_cannot_decode_is_dropped_alone(caplog):
    content_type = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XYZ\n"
    body = (
        "--XYZ\nContent-Type: text/plain; charset=ascii\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "caf\u00e9 not in ascii\n"
        "--XYZ\nContent-Type: text/plain\n\n"
        "The part after it is kept.\n"
        "--XYZ--\n"
    )
    with caplog.at_level("INFO", logger="apps.ingest.parsing.content"):
        parsed = parse("Re: [PATCH] x", body, content_type)
    assert parsed.content == "The part after it is kept."
    assert "dropping a text part that does not decode as ascii" in caplog.messages


def test_nul_characters_are_dropped_from_the_stored_text():
    parsed = parse("Re: [PATCH] x", "Looks\x00 good\x00.\n")
    assert parsed.content == "Looks good."
