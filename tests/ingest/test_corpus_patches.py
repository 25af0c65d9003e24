"""The bare diffs of corpus/patches/ survive every way a mail can carry them."""

import pytest

from apps.ingest.parsing import parse_bytes
from apps.ingest.parsing.hashing import hash_diff
from tests.ingest.helpers import corpus_file, deliver, make_mail, utc

pytestmark = pytest.mark.django_db

TEXT = "Add another line to meep.\n\nSigned-off-by: Test Author <author@example.com>"
NOW = utc(2030, 1, 1)


def add_line_diff() -> str:
    return corpus_file("patches", "0001-add-line.patch").read_text()


def parse(raw: bytes):
    return parse_bytes(raw, received_at=NOW)


def test_inline_diff_comes_back_byte_identical(test_project):
    diff = add_line_diff()
    patch = deliver(make_mail(TEXT + "\n\n" + diff, charset="us-ascii")).obj
    assert patch.diff == diff
    assert patch.content == TEXT
    assert patch.hash == "f59149b3310fb8f337b1cfc845c060ed6ef85df8"


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
        "Subject: [PATCH] meep\n"
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
    diff = corpus_file("patches", "0002-utf-8.patch").read_text(encoding="utf-8")
    patch = deliver(make_mail(TEXT + "\n\n" + diff, charset="utf-8")).obj
    assert patch.diff == diff
    assert "meëp" in patch.diff
    assert patch.hash == "10b45755273a7d1cf3f245d7d4013a820bbaa1bc"


def test_corpus_patch_files_hash_as_upstream():
    assert hash_diff(add_line_diff()) == "f59149b3310fb8f337b1cfc845c060ed6ef85df8"
    utf8 = corpus_file("patches", "0002-utf-8.patch").read_text(encoding="utf-8")
    assert hash_diff(utf8) == "10b45755273a7d1cf3f245d7d4013a820bbaa1bc"
