"""Every mail of tests/fixtures/mail/single/ gives the outcome its rule states.

One mail per file, delivered into project ``test`` through the list-id
override; files without a Message-Id get one added, as upstream's test
helper does. Expected hashes are written as the lines the hasher reads
(``sha1_of_lines``), so each states what is hashed, not just a digest.
"""

from dataclasses import dataclass, field

import pytest

from apps.ingest.results import Outcome
from apps.patches.models import CoverComment, Patch, PatchComment
from tests.ingest.helpers import (
    corpus_file,
    deliver,
    event_counts,
    mail_bytes,
    series_rows,
    sha1_of_lines,
    utc,
)

pytestmark = pytest.mark.django_db


EMPTY_SHA1 = sha1_of_lines()
SIGNATURE_SHA1 = sha1_of_lines("-- ")
UTF8_BODY_HASH = sha1_of_lines(
    "--- a/MAINTAINERS",
    "+++ b/MAINTAINERS",
    "@@ -2 +2 @@",
    " REFERENCE PAGES",
    "-M:\tAda Example <ada@example.org>",
    "+M:\tZo\u00eb \u0141uczak <zoe@example.org>",
)
ZOE = "Zo\u00eb \u0141uczak <zoe@example.org>"
WIDGET_PULL = "git://git.example.org/pub/scm/widgets/widgets.git fixes-2.1"
PULL_NAME = "[GIT,PULL] Widget fixes for 2.1"
PULL_DATE = (2023, 3, 14, 8, 30, 15)  # sent at 09:30:15 +0100
RENAME_NAME = "[widgets,01/11] docs: move the guides into their own folder"
ALONE_IN_SERIES = {"SC": 1, "PC": 1, "PCo": 1, "SCo": 1}
# Number 1 of a longer series: named after it, completed as a patch only.
FIRST_OF_MANY = {"SC": 1, "PC": 1, "PCo": 1}


@dataclass(frozen=True)
class Expected:
    name: str
    hash: str | None
    pull_url: str | None = None
    date: tuple | None = None
    # (version, total, number, series name, complete); None: alone in a 1/1 series
    series: tuple | None = None
    events: dict = field(default_factory=lambda: ALONE_IN_SERIES)
    diff_starts: str | None = None
    diff_has: tuple[str, ...] = ()
    content_has: tuple[str, ...] = ()
    submitter: str | None = None


def pull(url: str, name: str = PULL_NAME, **kwargs) -> Expected:
    return Expected(name, None, url, **kwargs)


CASES = {
    "pull-request.mbox": pull(WIDGET_PULL, date=PULL_DATE),
    # The "since commit" line wrapped before the commit id.
    "pull-request-wrapped.mbox": pull(WIDGET_PULL, date=PULL_DATE),
    "pull-request-with-diff.mbox": Expected(
        PULL_NAME,
        sha1_of_lines(
            "--- a/src/widget.c",
            "+++ b/src/widget.c",
            "@@ -3 +3 @@",
            " {",
            "-\treturn w->size;",
            "+\treturn w->size > w->frame ? w->frame : w->size;",
            " }",
        ),
        "git://git.example.org/pub/scm/widgets/widgets.git tags/widgets-2.1-rc2",
        diff_starts="diff --git a/src/widget.c",
    ),
    "pull-request-git-ssh.mbox": pull(
        "git+ssh://git@git.example.org/widgets.git for-next"
    ),
    "pull-request-ssh.mbox": pull("ssh://git.example.org/srv/widgets.git for-next"),
    "pull-request-http.mbox": pull("http://git.example.org/widgets.git for-next"),
    # git 2.14.3 and later write "Git repository"; no branch follows the URL.
    "pull-request-new-wording.mbox": pull(
        "git://git.example.org/pub/scm/widgets/net",
        "[GIT] Widget networking",
        date=(2024, 1, 10, 22, 21, 11),
    ),
    "pull-request-newline-in-url.mbox": pull(
        "https://git.example.org/pub/scm/widgets/widgets.git/ tags/widgets-2.2-soc",
        "[GIT,PULL] soc: widget updates for 2.2",
    ),
    "pull-request-trailing-space.mbox": pull(
        "git://git.example.org/pub/scm/widgets/widgets.git tags/widgets-2.2-board",
        "[GIT,PULL] Board updates for 2.2",
    ),
    # "[Patch]:" loses its prefix case-insensitively and keeps the colon.
    "cvs-diff.mbox": Expected(
        ": Fix the frobnicator on big-endian hosts",
        sha1_of_lines(
            "--- a/frob.c",
            "+++ b/frob.c",
            "@@ -4 +4 @@",
            " {",
            "-  return w << 8;",
            "+  return (w << 8) & 0xffffff00u;",
            " }",
        ),
        diff_starts="Index: lib/frob.c",
    ),
    "rename-only.mbox": Expected(
        RENAME_NAME,
        EMPTY_SHA1,
        series=(1, 11, 1, RENAME_NAME, False),
        events=FIRST_OF_MANY,
    ),
    "rename-with-hunk.mbox": Expected(
        RENAME_NAME,
        sha1_of_lines(
            "--- a/docs/usage.txt",
            "+++ b/docs/guides/usage.txt",
            "@@ -2 +2 @@",
            "-Using widgets",
            "+Using the widgets",
            " =============",
        ),
        series=(1, 11, 1, RENAME_NAME, False),
        events=FIRST_OF_MANY,
    ),
    # An unknown charset: UTF-8 fails on the text's latin-1 bytes, then
    # windows-1252 reads them.
    "unknown-charset.mbox": Expected(
        "Fix an overflow in non-default rounding modes",
        sha1_of_lines(
            "--- a/src/round.c",
            "+++ b/src/round.c",
            "@@ -2 +2 @@",
            " {",
            "-\treturn x * scale;",
            "+\treturn clamp(x * scale);",
        ),
        content_has=("The r\u00e9sum\u00e9 widget",),
    ),
    # Patch 5 of 5: only patch 1 names a series; 1-4 are missing.
    "no-newline-at-end.mbox": Expected(
        "[v3,5/5] tools: run the linter strictly",
        sha1_of_lines(
            "--- a/tools/Makefile",
            "+++ b/tools/Makefile",
            "@@ -2 +2 @@",
            " all: lint",
            "-lint: ; ./lint.sh",
            "+lint: ; ./lint.sh --strict",
            "--- a/dev/null",
            "+++ b/tools/lint",
            "@@ -0 +1 @@",
            "+lint.sh",
        ),
        series=(3, 5, 5, None, False),
        events={"SC": 1, "PC": 1},
        diff_starts="diff --git a/tools/Makefile",
    ),
    # A list prefix before [PATCH] is kept, [PATCH] itself is dropped.
    "stray-byte-in-header.mbox": Expected(
        "[widgets-dev] build: fix the debug build",
        sha1_of_lines(
            "--- a/src/debug.c",
            "+++ b/src/debug.c",
            "@@ -2 +2 @@",
            " {",
            "-\tlog(x)",
            "+\tlog(x);",
        ),
    ),
    "utf8-body.mbox": Expected(
        "MAINTAINERS: take over the reference pages",
        UTF8_BODY_HASH,
        submitter=ZOE,
        content_has=("\n---\n", "MAINTAINERS | 2 +-", "Zo\u00eb \u0141uczak"),
    ),
    # Raw 8-bit bytes in headers: each one reads as U+FFFD.
    "utf8-raw-headers.mbox": Expected(
        "MAINTAINERS: hand the reference pages to Zo\ufffd\ufffd \ufffd\ufffduczak",
        UTF8_BODY_HASH,
        submitter="Zo\ufffd\ufffd \ufffd\ufffduczak <zoe@example.org>",
    ),
    "utf8-invalid-encoded-word.mbox": Expected(
        "MAINTAINERS: take over the reference pages",
        UTF8_BODY_HASH,
        submitter=ZOE,
    ),
    "empty-subject.mbox": Expected("", EMPTY_SHA1, series=(1, 1, 1, "", True)),
    "html-alternative-patch.mbox": Expected(
        "mail: ignore the HTML part",
        sha1_of_lines(
            "--- a/src/mail.c",
            "+++ b/src/mail.c",
            "@@ -2 +2 @@",
            " {",
            "-\tread_all(msg);",
            "+\tread_plain(msg);",
        ),
    ),
    "empty-new-file.mbox": Expected(
        "[ci-bot,1/3] Test mail; do not apply",
        EMPTY_SHA1,
        series=(1, 3, 1, "[ci-bot,1/3] Test mail; do not apply", False),
        events=FIRST_OF_MANY,
    ),
    "mode-change.mbox": Expected(
        "[1/1] scripts: make release.sh executable", EMPTY_SHA1
    ),
    # Upstream's quirk, kept: the "-- " signature after a binary hunk joins
    # the diff and is all that is hashed.
    "binary-new-file.mbox": Expected(
        "Add a one-pixel icon",
        SIGNATURE_SHA1,
        diff_starts="diff --git icon.png icon.png",
        diff_has=("GIT binary patch", "literal 70", "literal 0", "\n-- \n"),
    ),
    "binary-and-text.mbox": Expected(
        "Add a one-pixel icon and a stop script",
        sha1_of_lines(
            "--- a/dev/null", "+++ b/", "@@ -0 +2 @@", "+#!/bin/sh", "+exit 0"
        ),
        diff_starts="diff --git icon.png icon.png",
        diff_has=("GIT binary patch", "diff --git stop.sh stop.sh"),
        # Upstream's bug, kept: the text file's header lines land in the content.
        content_has=("new file mode 100755\nindex 0000000..b1e6722",),
    ),
    "binary-modified.mbox": Expected(
        "Change the icon",
        SIGNATURE_SHA1,
        diff_starts="diff --git icon.png icon.png",
        diff_has=("GIT binary patch", "literal 0", "literal 70"),
    ),
}


@pytest.mark.parametrize(("filename", "expected"), CASES.items(), ids=list(CASES))
def test_patch_mail(test_project, filename, expected):
    result = deliver(mail_bytes(filename))

    assert result.outcome is Outcome.PATCH
    patch = Patch.objects.select_related("submitter", "state").get()
    assert patch == result.obj
    assert patch.name == expected.name
    assert patch.hash == expected.hash
    assert patch.pull_url == expected.pull_url
    assert (patch.diff is None) == (expected.hash is None)
    assert patch.state.slug == "new"
    assert patch.content is not None
    assert not PatchComment.objects.exists()
    if expected.date:
        assert patch.date == utc(*expected.date)
    if expected.diff_starts:
        assert patch.diff.startswith(expected.diff_starts)
    for text in expected.diff_has:
        assert text in patch.diff
    for text in expected.content_has:
        assert text in patch.content
    if expected.submitter:
        assert str(patch.submitter) == expected.submitter
    if expected.series is None:
        assert series_rows(test_project) == [
            {
                "version": 1,
                "total": 1,
                "received": 1,
                "complete": True,
                "name": expected.name,
                "cover": False,
                "numbers": [1],
            }
        ]
    else:
        version, total, number, name, complete = expected.series
        [row] = series_rows(test_project)
        assert row == {
            "version": version,
            "total": total,
            "received": 1,
            "complete": complete,
            "name": name,
            "cover": False,
            "numbers": [number],
        }
    assert event_counts(test_project) == expected.events


def test_all_mail_files_are_covered():
    names = {path.name for path in corpus_file("single").glob("*.mbox")}
    assert names == set(CASES) | {"html-alternative-reply.mbox"}


def test_rename_only_diff_keeps_both_renames(test_project):
    patch = deliver(mail_bytes("rename-only.mbox")).obj
    assert (
        patch.diff.count("\nrename from ") + patch.diff.startswith("rename from") == 2
    )
    assert patch.diff.count("rename to ") == 2


def test_rename_with_hunk_keeps_one_line_pair(test_project):
    patch = deliver(mail_bytes("rename-with-hunk.mbox")).obj
    assert patch.content
    assert patch.diff.count("rename from ") == 2
    assert patch.diff.count("rename to ") == 2
    lines = patch.diff.split("\n")
    removed = [line for line in lines if line[:1] == "-" and line[:4] != "--- "]
    added = [line for line in lines if line[:1] == "+" and line[:4] != "+++ "]
    assert (removed, added) == (["-Using widgets"], ["+Using the widgets"])


def test_no_newline_markers_stay_in_the_diff(test_project):
    patch = deliver(mail_bytes("no-newline-at-end.mbox")).obj
    marker = "\\ No newline at end of file"
    assert patch.diff.rstrip("\n").endswith(marker)
    assert patch.diff.count(marker) == 3  # every marker the mail holds
    assert not patch.content.endswith(marker)


def test_raw_8bit_headers_are_stored_as_unknown_8bit_words(test_project):
    patch = deliver(mail_bytes("utf8-raw-headers.mbox")).obj
    assert "=?unknown-8bit?" in patch.headers


def test_html_alternative_parts_are_ignored(test_project):
    patch = deliver(mail_bytes("html-alternative-patch.mbox")).obj
    assert "<div" not in patch.diff
    assert "<div" not in patch.content


def test_multipart_reply_alone_waits_for_its_patch(test_project):
    result = deliver(mail_bytes("html-alternative-reply.mbox"))
    assert result.outcome is Outcome.WAITING
    assert not PatchComment.objects.exists()
    assert not CoverComment.objects.exists()


def test_multipart_reply_after_its_patch_is_a_comment(test_project):
    patch = deliver(mail_bytes("html-alternative-patch.mbox")).obj
    result = deliver(mail_bytes("html-alternative-reply.mbox"))
    assert result.outcome is Outcome.PATCH_COMMENT
    comment = PatchComment.objects.get()
    assert comment.patch == patch
    assert comment.content
    assert "<div" not in comment.content
    assert event_counts(test_project) == {**ALONE_IN_SERIES, "PCC": 1}
