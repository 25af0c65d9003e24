"""Property tests: no mail, however broken, crashes ingest or goes missing.

Hypothesis builds mails with malformed and 8-bit headers, RFC 2047 words in
odd charsets, impossible dates, NUL bytes, broken transfer encodings, and
empty or huge bodies. For every one:

* the parser returns a result or raises ``MalformedMail``, nothing else;
* ``parsemail``'s delivery answers 0 (stored, duplicate or nothing to store)
  or 1 (not storable), never crashes (no traceback is logged), and every
  mail answered with 1 is in the failed-mail folder, byte for byte;
* nothing stored contains a NUL character.
"""

import logging
import mailbox

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.ingest.management.commands.parsemail import deliver
from apps.ingest.parsing import MalformedMail, parse_bytes
from apps.patches.models import Cover, CoverComment, Patch, PatchComment
from apps.people.models import Person
from tests.ingest.helpers import LIST_ID, utc

CHARSETS = [
    "utf-8",
    "UTF-8",
    "iso-8859-1",
    "us-ascii",
    "windows-1252",
    "utf-16",
    "unknown-8bit",
    "bogus",
    "",
    "\x00",
    "^UTF-8",
    "x-user-defined",
]
NAMES = [
    "From",
    "Subject",
    "Message-Id",
    "Date",
    "In-Reply-To",
    "References",
    "List-Id",
    "X-Mailing-List",
    "Reply-To",
    "Cc",
    "X-Original-From",
    "X-Patchwork-Hint",
    "X-Patchwork-State",
    "X-Patchwork-Delegate",
    "X-Patchwork-Action-Required",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "X-Face",
]

ascii_text = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40
)
any_bytes = st.binary(max_size=60)
encoded_word = st.builds(
    lambda charset, kind, payload: f"=?{charset}?{kind}?{payload}?=".encode(
        "utf-8", "surrogateescape"
    ),
    st.sampled_from(CHARSETS),
    st.sampled_from(["b", "B", "q", "Q", "x", ""]),
    ascii_text,
)
addresses = st.sampled_from(
    [
        b"Alice <alice@example.com>",
        b"alice@example.com",
        b"Pat O'Neil <pat.o'neil@example.com>",
        b"=?utf-8?b?UmFmYcWCIE1pxYJlY2tp?= <rafal@example.com>",
        b"Raf\xc5\x82 <rafal@example.com>",
        b"Test via List <test@example.com>",
        b"list@example.com",
        b"<.com>",
        b"",
    ]
)
subjects = st.one_of(
    st.sampled_from(
        [
            b"[PATCH] meep",
            b"[PATCH 1/2] part one",
            b"[PATCH v3 0/2] cover",
            b"Re: [PATCH 1/2] part one",
            b"[PATCH 99999999999999999999/3] huge",
            b"[PATCH 1/" + b"9" * 5000 + b"] very long number",
            b"[PATCH (v" + b"7" * 30 + b")] odd",
            b"",
        ]
    ),
    ascii_text.map(str.encode),
)
msgids = st.sampled_from(
    [
        b"<a@example.com>",
        b"<b@example.com>",
        b"no-brackets",
        b"",
        b"<" + b"x" * 300 + b">",
    ]
)
dates = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000").encode()),
    st.sampled_from(
        [
            b"Wed, 4 Jun 207777777777777777777714 17:50:46 0",
            b", 11 Sep 2016 23:22:904070804030804 +0100",
            b"Mon, 31 Feb 2020 25:61:61 +9999",
            b"garbage",
        ]
    ),
)
header_values = st.one_of(any_bytes, encoded_word, ascii_text.map(str.encode))


def _diff() -> bytes:
    return (
        b"diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n"
        b"@@ -1,2 +1,2 @@\n keep\n-old\n+new\n"
    )


bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=300),
    st.builds(lambda text: text + b"\n\n" + _diff(), st.binary(max_size=100)),
    st.builds(lambda n: (b"Acked-by: A <a@x>\n" + _diff()) * n, st.integers(1, 3000)),
    st.just(b"line\x00with NUL\n" + _diff().replace(b"new", b"n\x00w")),
    st.just(b"PGRpdj4=broken base64!!!\n"),
)


@st.composite
def mails(draw) -> bytes:
    headers = []
    for name, values in (
        ("From", addresses),
        ("Subject", subjects),
        ("Message-Id", msgids),
        ("Date", dates),
    ):
        if draw(st.booleans()) or draw(st.booleans()):  # present 3 times in 4
            headers.append(name.encode() + b": " + draw(values))
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(NAMES)).encode()
        if name == b"Content-Type":
            value = b"text/" + draw(st.sampled_from([b"plain", b"x-patch", b"html"]))
            value += b'; charset="' + draw(st.sampled_from(CHARSETS)).encode() + b'"'
        elif name == b"Content-Transfer-Encoding":
            value = draw(
                st.sampled_from([b"base64", b"quoted-printable", b"8bit", b"x"])
            )
        else:
            value = draw(header_values)
        headers.append(name + b": " + value.replace(b"\n", b"\n\t"))
    draw(st.randoms()).shuffle(headers)
    return b"\n".join(headers) + b"\n\n" + draw(bodies)


@settings(max_examples=300, deadline=None)
@given(raw=mails())
def test_parser_returns_or_raises_malformed_mail(raw):
    try:
        parsed = parse_bytes(raw, received_at=utc(2030, 1, 1))
    except MalformedMail:
        return
    for text in (parsed.content, parsed.headers, parsed.diff or "", parsed.msgid or ""):
        assert "\x00" not in text
    assert parsed.date.tzinfo is not None


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mails())
def test_delivery_never_crashes_and_loses_nothing(test_project, settings_dir, raw):
    records = Records()
    root = logging.getLogger()
    root.addHandler(records)
    before = len(failed_mails(settings_dir))
    try:
        status = deliver(raw, list_id=LIST_ID)
    finally:
        root.removeHandler(records)
    assert status in (0, 1)
    tracebacks = [r for r in records.records if r.exc_info]
    assert tracebacks == [], tracebacks[0].getMessage()
    saved = failed_mails(settings_dir)
    if status == 1:
        assert saved[before:] == [raw]
    else:
        assert len(saved) == before
    for model in (Patch, Cover, PatchComment, CoverComment):
        for row in model.objects.all():
            for text in (row.content, row.headers, row.msgid):
                assert "\x00" not in (text or "")
    for person in Person.objects.all():
        assert "\x00" not in person.email + (person.name or "")


@pytest.fixture
def settings_dir(settings, tmp_path):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    return settings.FAILED_MAIL_DIR


def failed_mails(folder) -> list[bytes]:
    if not folder.exists():
        return []
    box = mailbox.Maildir(folder, factory=None, create=False)
    return [box.get_bytes(key) for key in sorted(box.iterkeys())]
