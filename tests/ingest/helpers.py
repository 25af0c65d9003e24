"""Helpers for ingest tests: fixture mails, delivery, and what the database holds."""

import datetime as dt
import hashlib
import re
from collections import Counter
from pathlib import Path

from apps.events.models import Event
from apps.ingest.archive import open_archive
from apps.ingest.services import IngestResult, ingest_message
from apps.patches.models import Series
from apps.projects.models import Project
from tests.paths import REPO

# The mail fixtures: one mail per file (single/), archives (series/), mutated
# mails (fuzz/) and bare diffs (diffs/); tests/fixtures/mail/README.md says
# what each one exercises.
FIXTURES = REPO / "tests" / "fixtures" / "mail"

LIST_ID = "test.example.com"
LIST_EMAIL = "test@example.com"

# Short event codes, as the fixture tables write them.
EVENT_CODES = {
    "series-created": "SC",
    "patch-created": "PC",
    "patch-completed": "PCo",
    "series-completed": "SCo",
    "cover-created": "CC",
    "patch-comment-created": "PCC",
    "cover-comment-created": "CCC",
}


def corpus_file(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def with_message_id(raw: bytes, msgid: str = "<injected-1@example.com>") -> bytes:
    """Add a Message-Id at the end of the header block if the mail has none.

    Upstream's tests do the same for mails without one.
    """
    head, sep, body = raw.partition(b"\n\n")
    if re.search(rb"(?im)^message-id:", head):
        return raw
    return head + b"\nMessage-Id: " + msgid.encode() + sep + body


def mail_bytes(name: str) -> bytes:
    return with_message_id(corpus_file("single", name).read_bytes())


def mbox_mails(path: Path) -> list[bytes]:
    return list(open_archive(path))


def deliver(raw: bytes, list_id: str | None = LIST_ID) -> IngestResult:
    return ingest_message(raw, list_id=list_id)


def deliver_mbox(path: Path, list_id: str | None = LIST_ID) -> list[IngestResult]:
    return [deliver(raw, list_id) for raw in mbox_mails(path)]


def event_counts(project: Project) -> dict[str, int]:
    return dict(
        Counter(
            EVENT_CODES[category]
            for category in Event.objects.filter(project=project).values_list(
                "category", flat=True
            )
        )
    )


def event_sequence(project: Project) -> list[str]:
    return [
        EVENT_CODES[category]
        for category in Event.objects.filter(project=project)
        .order_by("id")
        .values_list("category", flat=True)
    ]


def series_rows(project: Project) -> list[dict]:
    """Describe the project's series in date order, one dict each."""
    rows = []
    for series in Series.objects.filter(project=project).order_by("date", "id"):
        numbers = list(
            series.patches.order_by("number").values_list("number", flat=True)
        )
        rows.append(
            {
                "version": series.version,
                "total": series.total,
                "received": len(numbers),
                "complete": series.total <= len(numbers),
                "name": series.name,
                "cover": series.cover_letter_id is not None,
                "numbers": numbers,
            }
        )
    return rows


def sha1_of_lines(*lines: str) -> str:
    """Return the SHA-1 of ``lines`` as the diff hasher feeds them to it."""
    return hashlib.sha1("".join(line + "\n" for line in lines).encode()).hexdigest()  # noqa: S324


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def make_mail(
    body: str = "",
    *,
    subject: str = "[PATCH] test: change something",
    msgid: str = "<mail-1@example.com>",
    sender: str = "Test Author <author@example.com>",
    headers: dict[str, str] | None = None,
    charset: str = "utf-8",
    attachments: tuple[tuple[str, str], ...] = (),
    date: str = "Mon, 01 Jan 2024 12:00:00 +0000",
) -> bytes:
    """Build a mail: ``body`` as text/plain, plus (subtype, text) attachments."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    if attachments:
        msg = MIMEMultipart()
        msg.attach(MIMEText(body, "plain", charset))
        for subtype, text in attachments:
            msg.attach(MIMEText(text, subtype, charset))
    else:
        msg = MIMEText(body, "plain", charset)
    msg["From"] = sender
    msg["Subject"] = subject
    msg["Message-Id"] = msgid
    msg["Date"] = date
    for name, value in (headers or {}).items():
        msg[name] = value
    return msg.as_bytes()
