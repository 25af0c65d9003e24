"""Diff hashes equal upstream's (ingest spec, section 9)."""

import hashlib

import pytest

from apps.ingest.parsing import parse_bytes
from apps.ingest.parsing.hashing import hash_diff
from tests.ingest.helpers import corpus_file, mail_bytes, utc

EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


def sha1_of_lines(*lines: str) -> str:
    return hashlib.sha1("".join(line + "\n" for line in lines).encode()).hexdigest()  # noqa: S324


def diff_of(mail: str) -> str:
    return parse_bytes(mail_bytes(mail), received_at=utc(2030, 1, 1)).diff


def test_worked_example_1_add_line_patch():
    diff = corpus_file("patches", "0001-add-line.patch").read_text()
    expected = "f59149b3310fb8f337b1cfc845c060ed6ef85df8"
    assert hash_diff(diff) == expected
    # The hashed stream the spec shows, line by line.
    assert (
        sha1_of_lines(
            "--- a/meep.text", "+++ b/meep.text", "@@ -1 +2 @@", " meep", "+meep"
        )
        == expected
    )


def test_worked_example_2_utf8_patch():
    diff = corpus_file("patches", "0002-utf-8.patch").read_text(encoding="utf-8")
    assert hash_diff(diff) == "10b45755273a7d1cf3f245d7d4013a820bbaa1bc"


@pytest.mark.parametrize(
    "mail",
    [
        "0013-with-utf8-body.mbox",
        "0014-with-unencoded-utf8-headers.mbox",
        "0015-with-invalid-utf8-headers.mbox",
    ],
)
def test_worked_example_3_utf8_body(mail):
    assert hash_diff(diff_of(mail)) == "4df3c62e1f74a2a2035f7676c52e7d26d30c2adb"


@pytest.mark.parametrize(
    "mail",
    [
        "0008-git-rename.mbox",
        "0016-no-subject.mbox",
        "0021-git-empty-new-file.mbox",
        "0022-git-mode-change.mbox",
    ],
)
def test_worked_example_4_diffs_without_hashable_lines(mail):
    assert hash_diff(diff_of(mail)) == EMPTY_SHA1


@pytest.mark.parametrize(
    "mail", ["0025-git-add-binary-file.mbox", "0027-git-modify-binary-file.mbox"]
)
def test_worked_example_4_binary_diffs_hash_their_signature(mail):
    assert hash_diff(diff_of(mail)) == sha1_of_lines("-- ")


# Every hash corpus/README.md gives for a mail's diff.
CORPUS_HASHES = {
    "0003-git-pull-request-with-diff.mbox": "dde488c7b82265da100f9facd43c2bb72f5262fd",
    "0007-cvs-format-diff.mbox": "f0db4bd410752c95498f69ad5616422592f2bcab",
    "0008-git-rename.mbox": EMPTY_SHA1,
    "0009-git-rename-with-diff.mbox": "1a0a2f780b578d1daa1bcb9a40679763220aa45e",
    "0010-invalid-charset.mbox": "db01919ea1c391ec8bc401540af51e10e8ee62be",
    "0011-no-newline-at-end-of-file.mbox": "13005677f1587851f296d5f1934333eefe90ddad",
    "0012-invalid-header-char.mbox": "fcfbfcf2afbf8c9a6273178493a6bd2e523ec125",
    "0013-with-utf8-body.mbox": "4df3c62e1f74a2a2035f7676c52e7d26d30c2adb",
    "0014-with-unencoded-utf8-headers.mbox": "4df3c62e1f74a2a2035f7676c52e7d26d30c2adb",
    "0015-with-invalid-utf8-headers.mbox": "4df3c62e1f74a2a2035f7676c52e7d26d30c2adb",
    "0016-no-subject.mbox": EMPTY_SHA1,
    "0019-multipart-patch.mbox": "201d414fd34cef186a0813dd4d49b5f873d00605",
    "0021-git-empty-new-file.mbox": EMPTY_SHA1,
    "0022-git-mode-change.mbox": EMPTY_SHA1,
    "0025-git-add-binary-file.mbox": "28bbf89195af1c065a2ebbfbdfaf0ee9dfe8296e",
    "0026-git-add-mixed-binary-text-files.mbox": (
        "729b1ccd5c3d4e3d7aa012fd7216678d9d79cd3f"
    ),
    "0027-git-modify-binary-file.mbox": "28bbf89195af1c065a2ebbfbdfaf0ee9dfe8296e",
}


@pytest.mark.parametrize(("mail", "expected"), CORPUS_HASHES.items())
def test_corpus_diff_hash(mail, expected):
    assert hash_diff(diff_of(mail)) == expected


def test_codec_null_hashes():
    raw = corpus_file("fuzz", "codec-null.mbox").read_bytes()
    diff = parse_bytes(raw, received_at=utc(2030, 1, 1)).diff
    assert hash_diff(diff) == "5925e117e8b145bd4bc72f7c0a9007b3658e32e6"


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
        "GIT binary patch\nliteral 0\n\\ No newline at end of file\n",
        [],
    ),
}


@pytest.mark.parametrize(("diff", "stream"), TRAPS.values(), ids=list(TRAPS))
def test_hash_traps(diff, stream):
    assert hash_diff(diff) == sha1_of_lines(*stream)
