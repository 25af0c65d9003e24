"""Turn one RFC 5322 mail into a ``ParsedMail``: pure Python, no Django.

This package reads no settings, no database and no clock (the caller passes
the time to use when a mail has no usable date), so it can be tested and
reasoned about on its own. ``tests/ingest/test_parsing_is_pure.py`` keeps it
that way.
"""

import datetime as dt
import email
import itertools
import re
from email.message import Message

from apps.ingest.parsing import content, headers, identity, subject
from apps.ingest.parsing.errors import MalformedMail
from apps.ingest.parsing.message import (
    Author,
    Hints,
    Kind,
    ParsedMail,
    SenderHeaders,
    SubjectInfo,
)

__all__ = [
    "Author",
    "Hints",
    "Kind",
    "MalformedMail",
    "ParsedMail",
    "SenderHeaders",
    "SubjectInfo",
    "parse_bytes",
    "parse_message",
    "read_message",
    "resolve_author",
    "subject_info",
]

REQUIRED_HEADERS = ("From", "Subject", "Message-Id")
# The standard library's parser checks each line against the boundary of
# every enclosing part, so its time grows with the square of the nesting
# depth (2,000 levels: seconds, then a RecursionError). Mail with more
# container parts than this is refused before it is read; real mail with a
# patch has a handful.
MAX_CONTAINERS = 100
_CONTAINER = re.compile(rb"^content-type:\s*(?:multipart|message)/", re.I | re.M)


def read_message(raw: bytes) -> Message:
    """Read raw bytes as one mail (a leading mbox ``From `` line is skipped).

    Header values longer than ``headers.MAX_HEADER`` are cut at once, so no
    later step spends more than linear time on them.
    """
    msg = email.message_from_bytes(raw)
    headers.cap_headers(msg)
    return msg


def _hints(msg: Message) -> Hints:
    hint = headers.first_clean(msg, "X-Patchwork-Hint")
    return Hints(
        ignore=hint is not None and hint.lower() == "ignore",
        state=headers.first_clean(msg, "X-Patchwork-State") or None,
        delegate=headers.first_clean(msg, "X-Patchwork-Delegate") or None,
        action_required="X-Patchwork-Action-Required" in msg,
    )


def parse_message(msg: Message, *, received_at: dt.datetime) -> ParsedMail:
    """Parse one mail.

    ``received_at`` (aware) stands in for a missing or unusable Date. Raises
    ``MalformedMail`` when From, Subject or Message-Id is missing; other
    problems (an unusable Message-Id, Subject or From) are reported by the
    ``ParsedMail`` and raised by the caller once it knows the mail would be
    stored, as upstream does.
    """
    for name in REQUIRED_HEADERS:
        if name not in msg:
            raise MalformedMail(f"Missing '{name}' header")
    clean_subject = headers.first_clean(msg, "Subject")
    reply = subject.is_reply(clean_subject)
    number = None
    if clean_subject is not None:
        # Only the number tells a cover letter (0); the series' total is read
        # from the subject once the project is known (subject_info).
        number, _ = subject.series_marker(subject.split_subject(clean_subject)[1])
    parts = content.text_parts(msg)
    if reply:
        diff, text = None, content.comment_content(parts)
    else:
        diff, text = content.patch_content(parts)
    return ParsedMail(
        msgid=headers.message_id(msg),
        subject=clean_subject,
        is_reply=reply,
        number=number,
        references=headers.references(msg),
        date=headers.mail_date(msg, received_at),
        headers=headers.header_block(msg),
        diff=diff,
        # Stored content has CRLF line ends normalised, as upstream's save() does.
        content=text.replace("\r\n", "\n"),
        pull_url=content.pull_request_url(text),
        list_ids=headers.list_ids(msg),
        sender=identity.sender_headers(msg),
        hints=_hints(msg),
        depends_on=content.depends_on(text),
    )


def parse_bytes(raw: bytes, *, received_at: dt.datetime) -> ParsedMail:
    """Read and parse one mail given as bytes."""
    containers = sum(
        1 for _ in itertools.islice(_CONTAINER.finditer(raw), MAX_CONTAINERS + 1)
    )
    if containers > MAX_CONTAINERS:
        raise MalformedMail(f"More than {MAX_CONTAINERS} multipart or message parts")
    try:
        return parse_message(read_message(raw), received_at=received_at)
    except RecursionError as exc:
        raise MalformedMail("MIME parts nested too deeply") from exc


def subject_info(parsed: ParsedMail, linkname: str | None) -> SubjectInfo:
    """Return name, prefixes, marker and version for a project's link name.

    Raises ``MalformedMail`` when the Subject could not be decoded.
    """
    if parsed.subject is None:
        raise MalformedMail("Invalid 'Subject' header")
    return subject.subject_info(parsed.subject, linkname)


def resolve_author(parsed: ParsedMail, list_email: str | None) -> Author:
    """Return the sender, traced back through a list's DMARC rewriting."""
    return identity.resolve_author(parsed.sender, list_email)
