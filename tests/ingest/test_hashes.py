"""Diff hashes equal upstream's (ingest spec, section 9)."""

import pytest

from apps.ingest.parsing import parse_bytes
from apps.ingest.parsing.hashing import hash_diff
from tests.ingest.helpers import corpus_file, mail_bytes, sha1_of_lines, utc

EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


def diff_of(mail: str) -> str:
    return parse_bytes(mail_bytes(mail), received_at=utc(2030, 1, 1)).diff


def test_sha1_of_nothing_is_the_empty_hash():
    assert sha1_of_lines() == EMPTY_SHA1


def test_a_one_hunk_diff_hashes_its_file_hunk_and_content_lines():
    diff = corpus_file("diffs", "add-line.diff").read_text()
    # The index and diff --git lines are skipped; "@@ -1 +1,2 @@" is
    # rewritten to its line counts.
    assert hash_diff(diff) == sha1_of_lines(
        "--- a/greeting.txt", "+++ b/greeting.txt", "@@ -1 +2 @@", " hello", "+world"
    )


def test_non_ascii_lines_hash_as_utf8():
    diff = corpus_file("diffs", "add-utf8-line.diff").read_text(encoding="utf-8")
    assert hash_diff(diff) == sha1_of_lines(
        "--- a/greeting.txt",
        "+++ b/greeting.txt",
        "@@ -1 +2 @@",
        " hello",
        "+gr\u00fc\u00df dich, w\u00f6rld",
    )


@pytest.mark.parametrize(
    "mail",
    [
        "utf8-body.mbox",
        "utf8-raw-headers.mbox",
        "utf8-invalid-encoded-word.mbox",
    ],
)
def test_broken_headers_do_not_change_the_body_hash(mail):
    assert hash_diff(diff_of(mail)) == hash_diff(diff_of("utf8-body.mbox"))
    assert "Zo\u00eb \u0141uczak" in diff_of(mail)


@pytest.mark.parametrize(
    "mail",
    [
        "rename-only.mbox",
        "empty-subject.mbox",
        "empty-new-file.mbox",
        "mode-change.mbox",
    ],
)
def test_diffs_without_hashable_lines(mail):
    assert diff_of(mail)
    assert hash_diff(diff_of(mail)) == EMPTY_SHA1


@pytest.mark.parametrize("mail", ["binary-new-file.mbox", "binary-modified.mbox"])
def test_binary_diffs_hash_their_signature(mail):
    assert hash_diff(diff_of(mail)) == sha1_of_lines("-- ")


# Traps of section 9.3, each with the stream upstream's hasher feeds to SHA-1.
TRAPS = {
    "carriage returns anywhere are dropped": (
        "--- a/x\r\n+++ b/x\r\n@@ -1 +1 @@\r\n-o\rld\r\n+new\r\n",
        ["--- a/x", "+++ b/x", "@@ -1 +1 @@", "-old", "+new"],
    ),
    "only newline splits lines (no splitlines)": (
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\x0bb\n+c\x0cd\n+e\x85f\n",
        ["--- a/x", "+++ b/x", "@@ -1 +1 @@", "-a\x0bb", "+c\x0cd", "+e\x85f"],
    ),
    "trailing single-space context line is trimmed away": (
        "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n \n",
        ["--- a/x", "+++ b/x", "@@ -2 +2 @@", "-a", "+b"],
    ),
    "paths lose their first component, whatever it is": (
        "--- foo/dir/x\ttimestamp\n+++ bar/dir/x\n@@ -3 +3,0 @@\n-a\n",
        ["--- a/dir/x", "+++ b/dir/x", "@@ -1 +0 @@", "-a"],
    ),
    "paths without a slash and /dev/null": (
        "--- /dev/null\n+++ quit.sh\n@@ -0,0 +1 @@\n+x\n",
        ["--- a/dev/null", "+++ b/", "@@ -0 +1 @@", "+x"],
    ),
    "function headings after @@ and combined diffs": (
        "--- a/x\n+++ b/x\n@@ -10,7 +10,8 @@ int main(void)\n context\n"
        "@@@ -1,1 -1,1 +1,1 @@@\n",
        ["--- a/x", "+++ b/x", "@@ -7 +8 @@", " context"],
    ),
    "a removed signature separator reads as a file line": (
        "--- a/x\n+++ b/x\n@@ -2 +0,0 @@\n--- \n--- Signature\n",
        ["--- a/x", "+++ b/x", "@@ -1 +0 @@", "--- ", "--- a/"],
    ),
    "diff, index, mode and binary lines are skipped": (
        "diff --git a/x b/x\nindex 1..2 100644\nold mode 100644\n"
        "GIT binary patch\nliteral 0\n\\ No newline at end of file\nXX\n",
        [],
    ),
    "counts are hashed as their values: zeros in front go, others stay": (
        "--- a/x\n+++ b/x\n@@ -1,010 +1,100 @@\n@@ -1,00 +1,0 @@\n",
        ["--- a/x", "+++ b/x", "@@ -10 +100 @@", "@@ -0 +0 @@"],
    ),
    # Upstream reads counts with \d+ and int(), both of which take the digits
    # of every script.
    "counts in other scripts' digits are hashed as their values": (
        "--- a/x\n+++ b/x\n@@ -\u0661,\u0661\u0660 +\u0661,\u0968\u0966\u0966 @@\n",
        ["--- a/x", "+++ b/x", "@@ -10 +200 @@"],
    ),
}


@pytest.mark.parametrize(("diff", "stream"), TRAPS.values(), ids=list(TRAPS))
def test_hash_traps(diff, stream):
    assert hash_diff(diff) == sha1_of_lines(*stream)
