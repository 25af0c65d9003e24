"""The mutated mails of corpus/fuzz/ end as corpus/README.md says, never in a crash.

Each file is read twice: as one mail (what ``parsemail`` does) and as an
mbox (what ``parsearchive`` does). Outcomes: ``patch``, ``dropped``, or the
error message of a mail that cannot be stored. After each file the database
must still take a good mail.
"""

import pytest

from apps.ingest.exceptions import Unparseable
from apps.ingest.services import Outcome
from apps.patches.models import Patch
from tests.factories import ProjectFactory
from tests.ingest.helpers import corpus_file, deliver, make_mail, mbox_mails

pytestmark = pytest.mark.django_db

FUZZ_LIST = "patchwork.ozlabs.org"
INVALID_FROM = "Invalid 'From' header"

# file: (single-mail outcome, [outcomes when read as an mbox])
CASES = {
    "base64err.mbox": (INVALID_FROM, [INVALID_FROM]),
    "charset.mbox": (INVALID_FROM, []),
    "codec-null.mbox": ("patch", ["patch", "Missing 'Subject' header"]),
    "date-oserror.mbox": (INVALID_FROM, [INVALID_FROM]),
    "date-too-long.mbox": ("dropped", ["dropped"]),
    "date.mbox": ("dropped", ["dropped"]),
    "dateheader.mbox": ("dropped", ["dropped"]),
    "email-len.mbox": (INVALID_FROM, [INVALID_FROM]),
    "msgid-len.mbox": (INVALID_FROM, [INVALID_FROM]),
    "msgid-len2.mbox": (INVALID_FROM, [INVALID_FROM]),
    "msgidheader.mbox": (INVALID_FROM, []),
    "name-len.mbox": ("dropped", ["dropped", "Missing 'From' header"]),
    "refshdr.mbox": ("dropped", ["dropped"]),
    "unknown-encoding.mbox": ("dropped", ["dropped"]),
    "value2.mbox": ("dropped", ["dropped"]),
    "x-face.mbox": ("dropped", ["dropped"]),
    "year-out-of-range.mbox": (INVALID_FROM, [INVALID_FROM]),
}


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


def test_codec_null_single_read_strips_nuls(fuzz_project):
    patch = deliver(corpus_file("fuzz", "codec-null.mbox").read_bytes(), FUZZ_LIST).obj
    assert patch.name == "[net,v2,1/2] net: ieee802154: remove explicit set skb->sk"
    assert patch.msgid == "<l-xiaolou4617@gmail.com>"
    assert patch.hash == "5925e117e8b145bd4bc72f7c0a9007b3658e32e6"
    for text in (patch.diff, patch.content, patch.headers, patch.name):
        assert "\x00" not in text


def test_codec_null_as_mbox_gives_the_first_patch_alone(fuzz_project):
    first = mbox_mails(corpus_file("fuzz", "codec-null.mbox"))[0]
    patch = deliver(first, FUZZ_LIST).obj
    assert patch.hash == "6c1abe3e356c93b79eaf35d46184db73948bd828"
