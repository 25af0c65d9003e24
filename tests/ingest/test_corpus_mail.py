"""Every file of corpus/mail/ gives the outcome corpus/README.md states.

One mail per file, delivered into project ``test`` through the list-id
override (as upstream's observations were made); files without a Message-Id
get one added, as upstream's test helper does.
"""

from dataclasses import dataclass, field

import pytest

from apps.ingest.services import Outcome
from apps.patches.models import CoverComment, Patch, PatchComment
from tests.ingest.helpers import deliver, event_counts, mail_bytes, series_rows, utc

pytestmark = pytest.mark.django_db

EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
UTF8_BODY_HASH = "4df3c62e1f74a2a2035f7676c52e7d26d30c2adb"
BENH_PULL = "git://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next"
GIT_PULL_NAME = "[git,pull] Please pull powerpc.git next branch"
ALONE_IN_SERIES = {"SC": 1, "PC": 1, "PCo": 1, "SCo": 1}


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


CASES = {
    "0001-git-pull-request.mbox": Expected(
        GIT_PULL_NAME, None, BENH_PULL, date=(2010, 10, 22, 3, 51, 2)
    ),
    "0002-git-pull-request-wrapped.mbox": Expected(
        GIT_PULL_NAME, None, BENH_PULL, date=(2010, 10, 22, 3, 51, 2)
    ),
    "0003-git-pull-request-with-diff.mbox": Expected(
        GIT_PULL_NAME,
        "dde488c7b82265da100f9facd43c2bb72f5262fd",
        "git://git.kernel.org/pub/scm/linux/kernel/git/tip/linux-2.6-tip.git"
        " x86-fixes-for-linus",
        diff_starts="diff --git a/arch/x86/include/asm/smp.h",
    ),
    "0004-git-pull-request-git+ssh.mbox": Expected(
        GIT_PULL_NAME,
        None,
        "git+ssh://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next",
    ),
    "0005-git-pull-request-ssh.mbox": Expected(
        GIT_PULL_NAME,
        None,
        "ssh://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next",
    ),
    "0006-git-pull-request-http.mbox": Expected(
        GIT_PULL_NAME,
        None,
        "http://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next",
    ),
    "0007-cvs-format-diff.mbox": Expected(
        ": Fix ld pr11138 FAILures on mips*.",
        "f0db4bd410752c95498f69ad5616422592f2bcab",
        diff_starts="Index",
    ),
    "0008-git-rename.mbox": Expected(
        "[Buildroot,01/11] package/rpi-userland: rename patches",
        EMPTY_SHA1,
        series=(
            1,
            11,
            1,
            "[Buildroot,01/11] package/rpi-userland: rename patches",
            False,
        ),
        events={"SC": 1, "PC": 1, "PCo": 1},
    ),
    "0009-git-rename-with-diff.mbox": Expected(
        "[Buildroot,01/11] package/rpi-userland: rename patches",
        "1a0a2f780b578d1daa1bcb9a40679763220aa45e",
        series=(
            1,
            11,
            1,
            "[Buildroot,01/11] package/rpi-userland: rename patches",
            False,
        ),
        events={"SC": 1, "PC": 1, "PCo": 1},
    ),
    "0010-invalid-charset.mbox": Expected(
        "Fix pow overflow in non-default rounding modes (bug 16315)",
        "db01919ea1c391ec8bc401540af51e10e8ee62be",
    ),
    "0011-no-newline-at-end-of-file.mbox": Expected(
        "[v3,5/5] selftests, powerpc: Add test for VPHN",
        "13005677f1587851f296d5f1934333eefe90ddad",
        series=(3, 5, 5, None, False),
        events={"SC": 1, "PC": 1},
        diff_starts="diff --git a/tools/testing/selftests/powerpc/Makefile",
    ),
    "0012-invalid-header-char.mbox": Expected(
        "[dpdk-dev] kni: fix compilation error when debug enabled",
        "fcfbfcf2afbf8c9a6273178493a6bd2e523ec125",
    ),
    "0013-with-utf8-body.mbox": Expected(
        "MAINTAINERS: Update entry for BCM5301X ARM",
        UTF8_BODY_HASH,
        submitter="Rafał Miłecki <zajec5@gmail.com>",
        content_has=("\n---\n", "MAINTAINERS | 4 +++-"),
    ),
    "0014-with-unencoded-utf8-headers.mbox": Expected(
        "MAINTAINERS: Update entry for BCM5301X ARM to include "
        "Rafa\ufffd\ufffd Mi\ufffd\ufffdecki",
        UTF8_BODY_HASH,
        submitter="Rafa\ufffd\ufffd Mi\ufffd\ufffdecki <zajec5@gmail.com>",
    ),
    "0015-with-invalid-utf8-headers.mbox": Expected(
        "MAINTAINERS: Update entry for BCM5301X ARM",
        UTF8_BODY_HASH,
        submitter="Rafał Miłecki <zajec5@gmail.com>",
    ),
    "0016-no-subject.mbox": Expected("", EMPTY_SHA1, series=(1, 1, 1, "", True)),
    "0017-git-pull-request-git-2-14-3.mbox": Expected(
        "[GIT] Networking",
        None,
        "git://git.kernel.org/pub/scm/linux/kernel/git/davem/net",
        date=(2018, 1, 10, 22, 21, 11),
    ),
    "0019-multipart-patch.mbox": Expected(
        "parsemail: ignore html part of multi-part comments",
        "201d414fd34cef186a0813dd4d49b5f873d00605",
    ),
    "0021-git-empty-new-file.mbox": Expected(
        "[snowpatch,1/3] Test commit; please ignore",
        EMPTY_SHA1,
        series=(1, 3, 1, "[snowpatch,1/3] Test commit; please ignore", False),
        events={"SC": 1, "PC": 1, "PCo": 1},
    ),
    "0022-git-mode-change.mbox": Expected(
        "[1/1] kconfig: Make nconf-cfg.sh executable", EMPTY_SHA1
    ),
    "0023-git-pull-request-newline-in-url.mbox": Expected(
        "[GIT,PULL] soc: updates for v5.5",
        None,
        "https://git.kernel.org/pub/scm/linux/kernel/git/matthias.bgg/linux.git/"
        " tags/v5.4-next-soc",
    ),
    "0024-git-pull-request-trailing-space.mbox": Expected(
        "[GIT,PULL] DaVinci SoC updates for v5.6",
        None,
        "git://git.kernel.org/pub/scm/linux/kernel/git/nsekhar/linux-davinci.git"
        " tags/davinci-for-v5.6/soc",
    ),
    "0025-git-add-binary-file.mbox": Expected(
        "Add a single pixel bitmap image",
        "28bbf89195af1c065a2ebbfbdfaf0ee9dfe8296e",
        diff_starts="diff --git pixel.bmp pixel.bmp",
        diff_has=("GIT binary patch", "literal 142", "literal 0", "\n-- \n"),
    ),
    "0026-git-add-mixed-binary-text-files.mbox": Expected(
        "Add a single pixel bitmap image, minimal script",
        "729b1ccd5c3d4e3d7aa012fd7216678d9d79cd3f",
        diff_starts="diff --git pixel.bmp pixel.bmp",
        diff_has=("GIT binary patch", "diff --git quit.sh quit.sh"),
        # Upstream's bug, kept: the text file's header lines land in the content.
        content_has=("new file mode 100644\nindex 0000000..f5f929a",),
    ),
    "0027-git-modify-binary-file.mbox": Expected(
        "Make changes to an existing binary file",
        "28bbf89195af1c065a2ebbfbdfaf0ee9dfe8296e",
        diff_starts="diff --git pixel.bmp pixel.bmp",
        diff_has=("GIT binary patch", "literal 0", "literal 142"),
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
    from tests.ingest.helpers import corpus_file

    names = {path.name for path in corpus_file("mail").glob("*.mbox")}
    assert names == set(CASES) | {"0020-multipart-comment.mbox"}


def test_rename_only_diff_keeps_both_renames(test_project):
    patch = deliver(mail_bytes("0008-git-rename.mbox")).obj
    assert (
        patch.diff.count("\nrename from ") + patch.diff.startswith("rename from") == 2
    )
    assert patch.diff.count("rename to ") == 2


def test_rename_with_hunk_keeps_one_line_pair(test_project):
    patch = deliver(mail_bytes("0009-git-rename-with-diff.mbox")).obj
    assert patch.content
    assert patch.diff.count("rename from ") == 2
    assert patch.diff.count("rename to ") == 2
    removed = [line for line in patch.diff.split("\n") if line.startswith("-a")]
    added = [line for line in patch.diff.split("\n") if line.startswith("+b")]
    assert (len(removed), len(added)) == (1, 1)


def test_no_newline_markers_stay_in_the_diff(test_project):
    patch = deliver(mail_bytes("0011-no-newline-at-end-of-file.mbox")).obj
    marker = "\\ No newline at end of file"
    assert patch.diff.rstrip("\n").endswith(marker)
    assert patch.diff.count(marker) == 2
    assert not patch.content.endswith(marker)


def test_raw_8bit_headers_are_stored_as_unknown_8bit_words(test_project):
    patch = deliver(mail_bytes("0014-with-unencoded-utf8-headers.mbox")).obj
    assert "=?unknown-8bit?" in patch.headers


def test_html_alternative_parts_are_ignored(test_project):
    patch = deliver(mail_bytes("0019-multipart-patch.mbox")).obj
    assert "<div" not in patch.diff
    assert "<div" not in patch.content


def test_multipart_reply_alone_is_dropped(test_project):
    result = deliver(mail_bytes("0020-multipart-comment.mbox"))
    assert result.outcome is Outcome.DROPPED
    assert not PatchComment.objects.exists()
    assert not CoverComment.objects.exists()


def test_multipart_reply_after_its_patch_is_a_comment(test_project):
    patch = deliver(mail_bytes("0019-multipart-patch.mbox")).obj
    result = deliver(mail_bytes("0020-multipart-comment.mbox"))
    assert result.outcome is Outcome.PATCH_COMMENT
    comment = PatchComment.objects.get()
    assert comment.patch == patch
    assert comment.content
    assert "<div" not in comment.content
    assert event_counts(test_project) == {**ALONE_IN_SERIES, "PCC": 1}
