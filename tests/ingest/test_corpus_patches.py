"""The bare diffs of tests/fixtures/mail/diffs/ survive every way a mail has them."""

import pytest

from apps.ingest.parsing import parse_bytes
from apps.ingest.parsing.hashing import hash_diff
from tests.ingest.helpers import corpus_file, deliver, make_mail, sha1_of_lines, utc

pytestmark = pytest.mark.django_db

TEXT = "Greet the world too.\n\nSigned-off-by: Test Author <author@example.com>"
NOW = utc(2030, 1, 1)
ADD_LINE_HASH = sha1_of_lines(
    "--- a/greeting.txt", "+++ b/greeting.txt", "@@ -1 +2 @@", " hello", "+world"
)
UTF8_LINE_HASH = sha1_of_lines(
    "--- a/greeting.txt",
    "+++ b/greeting.txt",
    "@@ -1 +2 @@",
    " hello",
    "+gr\u00fc\u00df dich, w\u00f6rld",
)


def add_line_diff() -> str:
    return corpus_file("diffs", "add-line.diff").read_text()


def parse(raw: bytes):
    return parse_bytes(raw, received_at=NOW)


def test_inline_diff_comes_back_byte_identical(test_project):
    diff = add_line_diff()
    patch = deliver(make_mail(TEXT + "\n\n" + diff, charset="us-ascii")).obj
    assert patch.diff == diff
    assert patch.content == TEXT
    assert patch.hash == ADD_LINE_HASH


@pytest.mark.parametrize("subtype", ["x-patch", "x-diff"])
def test_attached_diff_comes_back_byte_identical(subtype):
    diff = add_line_diff()
    parsed = parse(make_mail(TEXT, attachments=((subtype, diff),), charset="us-ascii"))
    assert parsed.diff == diff
    assert parsed.content == TEXT


def test_mail_without_content_type_is_read_as_plain_text():
    diff = add_line_diff()
    raw = (
        "From: Test Author <author@example.com>\n"
        "Subject: [PATCH] greeting: greet the world\n"
        "Message-Id: <no-type@example.com>\n\n" + TEXT + "\n\n" + diff
    ).encode()
    parsed = parse(raw)
    assert parsed.diff == diff
    assert parsed.content == TEXT


@pytest.mark.parametrize("separator", ["-- \nA signature\n", "_______\nList footer\n"])
def test_signature_or_list_footer_is_cut_from_the_content(separator):
    diff = add_line_diff()
    parsed = parse(make_mail(TEXT + "\n" + separator + "\n" + diff))
    assert parsed.diff == diff
    assert parsed.content == TEXT


def test_update_notes_and_diff_like_words_stay_in_the_content():
    diff = add_line_diff()
    text = TEXT + "\n---\nUpdate: it is difficult.\nDifferent wording here.\n"
    parsed = parse(make_mail(text + "\n" + diff))
    assert parsed.diff == diff
    assert parsed.content == text.strip()


def test_utf8_diff_inline_comes_back_unchanged(test_project):
    diff = corpus_file("diffs", "add-utf8-line.diff").read_text(encoding="utf-8")
    patch = deliver(make_mail(TEXT + "\n\n" + diff, charset="utf-8")).obj
    assert patch.diff == diff
    assert "grüß dich, wörld" in patch.diff
    assert patch.hash == UTF8_LINE_HASH


def test_diff_files_hash_the_lines_upstream_hashes():
    assert hash_diff(add_line_diff()) == ADD_LINE_HASH
    utf8 = corpus_file("diffs", "add-utf8-line.diff").read_text(encoding="utf-8")
    assert hash_diff(utf8) == UTF8_LINE_HASH
