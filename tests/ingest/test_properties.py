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
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.ingest.delivery import deliver
from apps.ingest.models import PendingMail
from apps.ingest.parsing import MalformedMail, parse_bytes
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.people.models import Person
from tests.factories import ProjectFactory
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
# Mostly unique Message-Ids (a counter), so examples never collide by
# accident; a few broken forms, and one fixed id that repeats on purpose.
_ids = iter(range(10**9))
msgids = st.one_of(
    st.builds(lambda _: f"<fuzz-{next(_ids)}@example.com>".encode(), st.just(0)),
    st.sampled_from(
        [b"<dup@example.com>", b"no-brackets", b"", b"<" + b"x" * 300 + b">"]
    ),
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


def deliver_and_account(raw: bytes, folder, list_id: str) -> tuple[int, str]:
    """Deliver ``raw`` as parsemail does; check where it went; return (status, fate).

    Nothing may be lost, whatever the exit status: 0 means stored (the row
    exists), kept until the mail it answers comes (the raw mail is kept), a
    duplicate or deliberately dropped (with the reason logged);
    1 means saved byte for byte in the failed-mail folder; 75 (retry) does
    not happen with the database up. No traceback is ever logged.
    """
    records = Records()
    root = logging.getLogger()
    root.addHandler(records)
    before = failed_mails(folder)
    try:
        status = deliver(raw, list_id=list_id)
    finally:
        root.removeHandler(records)
    tracebacks = [r for r in records.records if r.exc_info]
    assert tracebacks == [], tracebacks[0].getMessage()
    messages = [r.getMessage() for r in records.records]
    saved = failed_mails(folder)
    assert status in (0, 1), (status, messages)
    if status == 1:
        assert saved == [*before, raw]
        return status, "failed"
    assert saved == before
    for message in messages:
        stored = STORED.match(message)
        if stored:
            kind, msgid, pk = stored.groups()
            assert STORED_MODELS[kind].objects.filter(pk=pk, msgid=msgid).exists()
            return status, kind
        if message.startswith("Duplicate mail for message ID"):
            return status, "duplicate"
        waiting = WAITING.match(message)
        if waiting:  # kept, raw, until the mail it answers comes
            kept = PendingMail.objects.get(msgid=waiting.group(1))
            assert bytes(kept.raw) == raw
            return status, "waiting"
        if message.startswith("Nothing added to database ("):
            return status, "dropped"
    raise AssertionError(f"exit 0 but the mail is nowhere: {messages}")


WAITING = re.compile(r"Reply (.*) kept until .* is stored$", re.S)
STORED = re.compile(
    r"stored (patch comment|cover comment|patch|cover) (.*) \(id (\d+)\)$"
)
STORED_MODELS = {
    "patch": Patch,
    "cover": Cover,
    "patch comment": PatchComment,
    "cover comment": CoverComment,
}


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mails())
def test_delivery_never_crashes_and_loses_nothing(test_project, settings_dir, raw):
    deliver_and_account(raw, settings_dir, LIST_ID)
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


# --- realistic threads ---------------------------------------------------------

TAGS = ["Acked-by", "Reviewed-by", "Tested-by"]
PEOPLE = [
    "Ann Author <ann@example.com>",
    "Bo Reviewer <bo@example.org>",
    "=?utf-8?q?Zo=C3=AB_Tester?= <zoe@example.net>",
    "dev@example.com",
]
_threads = iter(range(10**9))


@dataclass
class Thread:
    """The mails of one series thread and what storing them must give."""

    prefix: str  # of the Message-Ids: <PREFIX-NUMBER@example.com>
    list_id: str
    mails: list[bytes]
    patches: int
    cover: bool
    replies: list[tuple[int, str]]  # (patch number or 0 for the cover, tag)
    broken: int  # mails that cannot be stored (failed-mail folder)


def _mail(headers: list[tuple[str, str]], body: str) -> bytes:
    head = "".join(f"{name}: {value}\n" for name, value in headers)
    return (head + "\n" + body).encode()


@st.composite
def threads(draw) -> Thread:
    """A series as git send-email sends it, tagged replies, at times a broken mail."""
    n = next(_threads)
    list_id = f"list-{n}.example.com"
    total = draw(st.integers(1, 5))
    version = draw(st.sampled_from(["", " v2", " v3"]))
    cover = draw(st.booleans())
    sender = draw(st.sampled_from(PEOPLE))
    root = f"<t{n}-0@example.com>" if cover else f"<t{n}-1@example.com>"
    common = [("From", sender), ("List-Id", f"<{list_id}>"), ("MIME-Version", "1.0")]
    mails = []
    if cover:
        mails.append(
            _mail(
                [
                    *common,
                    ("Subject", f"[PATCH{version} 0/{total}] series {n}"),
                    ("Message-Id", root),
                    ("Date", "Mon, 1 Jan 2024 10:00:00 +0000"),
                ],
                draw(st.text(min_size=1, max_size=200).filter(str.strip)) + "\n",
            )
        )
    for number in range(1, total + 1):
        msgid = f"<t{n}-{number}@example.com>"
        threading = (
            [] if msgid == root else [("In-Reply-To", root), ("References", root)]
        )
        path = draw(st.sampled_from(["lib/a.c", "net/core.c", "docs/x.rst"]))
        body = (
            draw(st.text(max_size=200)).replace("\r", "")
            + f"\n\nSigned-off-by: {sender}\n---\n"
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -1 +1 @@\n-old {number}\n+new {number}\n"
        )
        subject = (
            f"[PATCH{version} {number}/{total}] change {number}"
            if total > 1 or cover
            else f"[PATCH{version}] change"
        )
        mails.append(
            _mail(
                [
                    *common,
                    ("Subject", subject),
                    ("Message-Id", msgid),
                    *threading,
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Date", f"Mon, 1 Jan 2024 10:{number:02d}:00 +0000"),
                ],
                body,
            )
        )
    replies = []
    for index in range(draw(st.integers(0, 4))):
        target = draw(st.integers(0 if cover else 1, total))
        tag = draw(st.sampled_from(TAGS))
        parent = f"<t{n}-{target}@example.com>"
        reviewer = draw(st.sampled_from(PEOPLE))
        mails.append(
            _mail(
                [
                    ("From", reviewer),
                    ("List-Id", f"<{list_id}>"),
                    ("Subject", f"Re: part {target}"),
                    ("Message-Id", f"<t{n}-r{index}@example.com>"),
                    ("In-Reply-To", parent),
                    ("References", f"{root} {parent}"),
                ],
                f"> quoted\n\nLooks good.\n\n{tag}: {reviewer}\n",
            )
        )
        replies.append((target, tag))
    broken = 0
    if draw(st.integers(0, 9)) == 0:  # one thread in ten carries a broken mail
        mails.append(f"List-Id: <{list_id}>\nSubject: no sender\n\nbody\n".encode())
        broken = 1
    # Patches may arrive in any order; each reply after what it answers.
    head, rest = (
        mails[: len(mails) - len(replies) - broken],
        mails[len(mails) - len(replies) - broken :],
    )
    order = draw(st.permutations(range(len(head))))
    return Thread(
        f"t{n}", list_id, [head[i] for i in order] + rest, total, cover, replies, broken
    )


@pytest.mark.django_db
def test_realistic_threads_are_stored_whole_and_nothing_is_lost(settings_dir):
    """Series with and without covers, replies with tags: each stored as what it is.

    Every example gets its own project and Message-Ids, so examples cannot
    interfere; the run as a whole must store at least the floors below, so
    a strategy that drifted into producing junk would fail here.
    """
    totals: Counter[str] = Counter()

    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )
    @given(thread=threads())
    def deliver_thread(thread: Thread) -> None:
        project = ProjectFactory(
            linkname=thread.list_id.split(".")[0], listid=thread.list_id
        )
        fates = Counter(
            fate
            for _, fate in (
                deliver_and_account(raw, settings_dir, thread.list_id)
                for raw in thread.mails
            )
        )
        totals.update(fates)
        comments = len(thread.replies)
        assert (
            fates
            == Counter(
                {
                    "patch": thread.patches,
                    "cover": int(thread.cover),
                    "patch comment": sum(1 for t, _ in thread.replies if t),
                    "cover comment": sum(1 for t, _ in thread.replies if not t),
                    "failed": thread.broken,
                }
            )
            - Counter()
        )
        [series] = Series.objects.filter(project=project)
        numbers = sorted(series.patches.values_list("number", flat=True))
        assert numbers == list(range(1, thread.patches + 1))
        assert (series.cover_letter is not None) == thread.cover
        for number in range(1, thread.patches + 1):
            patch = Patch.objects.get(msgid=f"<{thread.prefix}-{number}@example.com>")
            for tag in TAGS:
                # Replies to the cover letter (0) count for every patch
                # (the project's cover_tags, on by default).
                wanted = sum(
                    1 for t, name in thread.replies if t in (number, 0) and name == tag
                )
                got = patch.patchtag_set.filter(tag__name=tag).values_list(
                    "count", flat=True
                )
                assert sum(got) == wanted, (number, tag)
        assert comments == fates["patch comment"] + fates["cover comment"]

    deliver_thread()
    assert totals["patch"] >= 60, totals
    assert totals["cover"] >= 8, totals
    assert totals["patch comment"] + totals["cover comment"] >= 30, totals
