"""The mutated mails of tests/fixtures/mail/fuzz/ end as stated, never in a crash.

Each file is read twice: as one mail (what ``parsemail`` does) and as an
mbox (what ``parsearchive`` does). Outcomes: ``patch``, ``dropped``, or the
error message of a mail that cannot be stored. After each file the database
must still take a good mail.
"""

import pytest

from apps.ingest.exceptions import Unparseable
from apps.ingest.results import Outcome
from apps.patches.models import Patch
from tests.factories import ProjectFactory
from tests.ingest.helpers import (
    corpus_file,
    deliver,
    make_mail,
    mbox_mails,
    sha1_of_lines,
)

pytestmark = pytest.mark.django_db

FUZZ_LIST = "fuzz.lists.example.org"
INVALID_FROM = "Invalid 'From' header"

MISSING_SUBJECT = "Missing 'Subject' header"

# file: (single-mail outcome, [outcomes when read as an mbox])
CASES = {
    "broken-base64-words.mbox": (INVALID_FROM, [INVALID_FROM]),
    # No envelope line: as an mbox the file holds no mail at all.
    "mangled-headers.mbox": (INVALID_FROM, []),
    # Read as one mail, the second mail joins the first one's body.
    "nul-bytes-two-mails.mbox": ("patch", ["patch", MISSING_SUBJECT]),
    "date-overflow.mbox": (INVALID_FROM, [INVALID_FROM]),
    "date-year-24-digits.mbox": ("dropped", ["dropped"]),
    "date-garbage.mbox": ("dropped", ["dropped"]),
    "date-8bit.mbox": ("dropped", ["dropped"]),
    "address-too-long.mbox": (INVALID_FROM, [INVALID_FROM]),
    "msgid-control-chars.mbox": (INVALID_FROM, [INVALID_FROM]),
    # A vertical tab joins Subject to the From line.
    "msgid-bracket-only.mbox": (MISSING_SUBJECT, [MISSING_SUBJECT]),
    "msgid-8bit.mbox": (INVALID_FROM, []),
    "display-name-40k.mbox": ("dropped", ["dropped"]),
    # A reply to a mail never stored: upstream drops it, here it waits.
    "references-8bit.mbox": ("waiting", ["waiting"]),
    "unknown-encodings.mbox": ("dropped", ["dropped"]),
    # "Sub\0ject" is no Subject header.
    "nul-in-header-names.mbox": (MISSING_SUBJECT, [MISSING_SUBJECT]),
    "x-face-encoded-word.mbox": ("dropped", ["dropped"]),
    "date-seconds-out-of-range.mbox": (INVALID_FROM, [INVALID_FROM]),
}
FUZZ_HASH = sha1_of_lines(
    "--- a/src/fuzz.c",
    "+++ b/src/fuzz.c",
    "@@ -2 +2 @@",
    " {",
    "-\tparse(buf);",
    "+\tparse(buf, len);",
)


@pytest.fixture
def fuzz_project(db):
    return ProjectFactory(linkname="patchwork", listid=FUZZ_LIST)


def outcome_of(raw: bytes) -> str:
    try:
        result = deliver(raw, FUZZ_LIST)
    except Unparseable as exc:
        return str(exc)
    return result.outcome.value


def assert_database_usable():
    result = deliver(make_mail("Fine.\n", msgid="<after-fuzz@example.com>"), FUZZ_LIST)
    assert result.outcome is Outcome.DROPPED  # no diff: dropped, but no error
    assert Patch.objects.filter(msgid="<after-fuzz@example.com>").count() == 0


@pytest.mark.parametrize("filename", list(CASES))
def test_fuzz_file_as_one_mail(fuzz_project, filename):
    expected, _ = CASES[filename]
    raw = corpus_file("fuzz", filename).read_bytes()
    assert outcome_of(raw) == expected
    assert Patch.objects.count() == (expected == "patch")
    assert_database_usable()


@pytest.mark.parametrize("filename", list(CASES))
def test_fuzz_file_as_an_mbox(fuzz_project, filename):
    _, expected = CASES[filename]
    mails = mbox_mails(corpus_file("fuzz", filename))
    assert [outcome_of(raw) for raw in mails] == expected
    assert_database_usable()


def test_all_fuzz_files_are_covered():
    names = {path.name for path in corpus_file("fuzz").iterdir()}
    assert names == set(CASES)


def test_nul_bytes_are_stripped_from_a_single_read(fuzz_project):
    raw = corpus_file("fuzz", "nul-bytes-two-mails.mbox").read_bytes()
    patch = deliver(raw, FUZZ_LIST).obj
    assert patch.name == "[v2,1/2] fuzz: bound the parser"
    assert patch.msgid == "<fz-3@example.org>"
    assert patch.hash == FUZZ_HASH
    assert "Bound the parser." in patch.content
    for text in (patch.diff, patch.content, patch.headers, patch.name):
        assert "\x00" not in text


def test_nul_bytes_read_as_an_mbox_give_the_first_patch_alone(fuzz_project):
    first = mbox_mails(corpus_file("fuzz", "nul-bytes-two-mails.mbox"))[0]
    patch = deliver(first, FUZZ_LIST).obj
    assert patch.hash == FUZZ_HASH
    assert "fz-3b" not in patch.content + patch.diff
