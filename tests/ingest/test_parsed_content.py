"""Mail bodies as stored: the content and diff of patches, comments and covers.

Each test states the exact text a stored row holds, so that a slip in the
diff/prose split or in joining parts changes what the test sees.
"""

import datetime as dt

from apps.ingest.parsing import Kind, parse_bytes
from apps.ingest.parsing.content import split_diff

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


# --- where a hunk ends: its line counts, each kind of line counted once --------

HEADER = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"


def split(text: str) -> tuple[str | None, str | None]:
    return split_diff(text)


def test_a_deleting_hunk_ends_after_its_last_removed_line():
    # Nothing is added (+0,0): only the removed lines count the hunk down.
    hunk = "@@ -1,3 +0,0 @@\n-a\n-b\n-c\n"
    assert split(HEADER + hunk + "after\n") == (HEADER + hunk, "after\n\n")


def test_context_lines_count_down_both_sides_once():
    hunk = "@@ -1,3 +1,1 @@\n a\n-b\n-c\n"
    assert split(HEADER + hunk + "after\n") == (HEADER + hunk, "after\n\n")


def test_added_lines_count_down_the_new_side_only():
    hunk = "@@ -1,2 +1,1 @@\n+x\n-a\n-b\n"
    assert split(HEADER + hunk + "after\n") == (HEADER + hunk, "after\n\n")


def test_a_hunk_longer_than_its_header_says_leaves_the_rest_in_the_prose():
    hunk = "@@ -1 +1 @@\n-a\n+b\n"
    assert split(HEADER + hunk + "+stray\n") == (HEADER + hunk, "+stray\n\n")


def test_a_count_of_nineteen_digits_never_runs_out():
    count = "9" * 19
    lines = "".join(f"+line {n}\n" for n in range(200))
    hunk = f"@@ -0,0 +1,{count} @@\n{lines}"
    assert split(HEADER + hunk) == (HEADER + hunk + "\n", None)


def test_a_count_of_thousands_of_digits_is_read_without_error():
    # Python refuses to turn more than 4,300 digits into an int.
    count = "9" * 5000
    hunk = f"@@ -0,0 +1,{count} @@\n+a\n"
    assert split(HEADER + hunk) == (HEADER + hunk + "\n", None)


def test_file_names_without_a_hunk_are_prose():
    text = "--- a/x\n+++ b/x\nnot a hunk\n"
    assert split(text) == (None, text + "\n")


def test_an_old_name_without_a_new_one_after_a_hunk_is_held_then_prose():
    hunk = "@@ -1 +1 @@\n-a\n+b\n"
    diff, prose = split(HEADER + hunk + "--- y\nmore\n")
    assert diff == HEADER + hunk + "--- y\n"
    assert prose == "more\n\n"


# --- the content and diff of a patch mail, part by part ---------------------------


def test_the_prose_of_every_plain_part_of_a_patch_is_kept_in_order():
    first = "The change.\n---\n" + HEADER + "@@ -1 +1 @@\n-a\n+b\n"
    content_type, body = two_plain_parts(first, "A note in a second part.\n")
    parsed = parse("[PATCH] x", body, content_type)
    assert parsed.diff == HEADER + "@@ -1 +1 @@\n-a\n+b\n"
    assert parsed.content == "The change.\n---\nA note in a second part."


def test_nul_characters_are_dropped_from_the_stored_diff():
    body = "A change.\n---\n" + HEADER + "@@ -1 +1 @@\n-a\x00\n+b\x00\n"
    parsed = parse("[PATCH] x", body)
    assert parsed.diff == HEADER + "@@ -1 +1 @@\n-a\n+b\n"
