"""Header decoding and the values taken from headers.

Upstream Patchwork reads every header through Python's ``email.header``
functions (decode, rebuild, re-encode). Their exact output (replacement
characters for raw 8-bit bytes, RFC 2047 re-encoding and folding of the stored
header block) is visible in the API, so this module uses the same functions
rather than a hand-written decoder.
"""

import calendar
import datetime as dt
import itertools
import re
from email.errors import HeaderParseError
from email.header import Header, decode_header, make_header
from email.message import Message
from email.utils import parsedate_tz
from functools import lru_cache
from typing import TypeGuard

_WHITESPACE = re.compile(r"\s+")
# Printable ASCII, possibly folded (continuation lines start with a blank).
_PLAIN = re.compile(r"[\t\x20-\x7e]*(?:\n[\t ][\t\x20-\x7e]*)*\Z")
# Lines this long or shorter are never refolded when re-encoding.
_FOLD_AT = 76
# List-Id and friends without brackets: one bare token.
_LIST_ID_BARE = re.compile(r"^(\S+)$", re.S)

MAX_MSGID = 255
# Nearest ancestors a mail's references are cut to (real threads stay far
# below; upstream keeps them all, and a hostile header with thousands of ids
# made its queries fail).
MAX_REFERENCES = 500
# Longest header value read (characters). Nothing a mail program writes
# comes near it (RFC 5322 lines stop at 998 characters; a References header
# of 200 ids is under 16 KiB); it bounds the work any one header can cause.
MAX_HEADER = 16 * 1024
# Headers whose newest (last) ids matter most: a cut keeps their end.
_KEEP_END = frozenset({"references", "in-reply-to"})

# Headers naming the list, tried in this order (first occurrence of each).
LIST_ID_HEADERS = ("List-Id", "X-Mailing-List", "X-List")

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def normalise_space(value: str) -> str:
    """Collapse every whitespace run to one space and trim."""
    return _WHITESPACE.sub(" ", value).strip()


def _is_plain(value: str | Header) -> TypeGuard[str]:
    """Tell whether the library would hand ``value`` back unchanged.

    True for printable ASCII, possibly folded, without encoded words and not
    blank: decoding and rebuilding such a value is the identity (checked by
    property tests against the library), so the costly round trip can be
    skipped. Everything else takes the library's path.
    """
    return (
        isinstance(value, str)
        and "=?" not in value
        and _PLAIN.match(value) is not None
        and not value.isspace()
        and value != ""
    )


def sanitise_header(value: str | Header) -> Header | None:
    """Decode a raw header value and rebuild it as an ``email.header.Header``.

    Encoded words whose charset is unknown or whose bytes do not decode are
    relabelled ``unknown-8bit``. Returns None for a value that cannot be
    decoded or re-encoded at all. (Its text is what callers read: the
    header's name matters only to ``encoded_header``'s folding.)
    """
    built = _sanitise(value, None)
    return None if built is None else built[0]


def _sanitise(
    value: str | Header, header_name: str | None
) -> tuple[Header, str] | None:
    """``sanitise_header`` that also returns the encoded value it checked."""
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError, TypeError, LookupError):
        return None
    try:
        header = make_header(chunks, header_name=header_name, continuation_ws="\t")
    except (UnicodeDecodeError, LookupError, ValueError):
        try:
            header = make_header(
                [(part, "unknown-8bit") for part, _ in chunks],
                header_name=header_name,
                continuation_ws="\t",
            )
        except (UnicodeError, LookupError, ValueError, TypeError):
            return None
    try:
        encoded = header.encode()
    except (HeaderParseError, IndexError, UnicodeError, ValueError, LookupError):
        # IndexError: the library fails on some whitespace-only values.
        return None
    return header, encoded


@lru_cache(maxsize=4096)
def _encoded_str(name: str, value: str) -> str | None:
    # Mails of one list repeat many header values (To, List-*, X-Mailer,
    # regular senders): remember recent answers.
    built = _sanitise(value, name)
    return None if built is None else built[1]


def encoded_header(name: str, value: str | Header) -> str | None:
    """Return a header value re-encoded for transport, as upstream stores it.

    None when the value cannot be sanitised (the header is then left out).
    """
    if _is_plain(value):
        lines = value.split("\n")
        # Short lines without trailing blanks come back exactly as they are.
        if len(name) + 2 + len(lines[0]) <= _FOLD_AT and all(
            len(line) <= _FOLD_AT and line.strip() and line == line.rstrip()
            for line in lines
        ):
            return value
    if isinstance(value, str):
        return _encoded_str(name, value)
    built = _sanitise(value, name)
    return None if built is None else built[1]


def clean_header(value: str | Header | None) -> str | None:
    """Return a header value as one line of text (None when unusable)."""
    if value is None:
        return None
    if _is_plain(value):
        return normalise_space(value)
    header = sanitise_header(value)
    if header is None:
        return None
    try:
        text = str(header)
    except (UnicodeError, LookupError, ValueError):
        return None
    return normalise_space(text.replace("\x00", ""))


def first_clean(msg: Message, name: str) -> str | None:
    """Clean the first occurrence of header ``name`` (None when absent)."""
    return clean_header(msg.get(name))


def all_clean(msg: Message, name: str) -> list[str]:
    """Clean every occurrence of header ``name``, dropping unusable ones."""
    values = []
    for raw in msg.get_all(name) or ():
        value = clean_header(raw)
        if value is not None:
            values.append(value)
    return values


def capped(name: str, value: str) -> str:
    """Return ``value`` cut to ``MAX_HEADER`` characters.

    References and In-Reply-To keep their end, from the first whole ``<id>``
    in it, so the nearest ancestors survive; other headers keep their start.
    """
    if len(value) <= MAX_HEADER:
        return value
    if name.lower() not in _KEEP_END:
        return value[:MAX_HEADER]
    tail = value[-MAX_HEADER:]
    return tail[tail.find("<") :] if "<" in tail else tail


def cap_headers(msg: Message) -> None:
    """Cut every over-long header of ``msg`` and of its parts, in place.

    Done once, right after reading the mail, so no header reader (ours or
    the standard library's) ever sees more than ``MAX_HEADER`` characters.
    """
    for part in msg.walk():
        items = part.raw_items()
        if any(len(value) > MAX_HEADER for _, value in items):
            # Message keeps its headers in this list; there is no public
            # way to replace one occurrence of a repeated header in place.
            part._headers = [  # type: ignore[attr-defined]
                (name, capped(name, value)) for name, value in part.raw_items()
            ]


def first_angle(value: str) -> str | None:
    """Return the first ``<...>`` of ``value`` (upstream's ``<[^>]*>`` search)."""
    opening = value.find("<")
    if opening == -1:
        return None
    closing = value.find(">", opening + 1)
    return None if closing == -1 else value[opening : closing + 1]


def all_angles(value: str) -> list[str]:
    """Return every ``<...>`` of ``value``, in order (upstream's ``findall``)."""
    found = []
    opening = value.find("<")
    while opening != -1:
        closing = value.find(">", opening + 1)
        if closing == -1:
            break
        found.append(value[opening : closing + 1])
        opening = value.find("<", closing + 1)
    return found


def last_bracketed(value: str) -> str | None:
    """Return the text inside the last non-empty ``<...>`` (``.*<([^>]+)>.*``)."""
    last_close = value.rfind(">")
    opening = value.rfind("<", 0, max(last_close - 1, 0))
    while opening != -1 and value[opening + 1] == ">":
        opening = value.rfind("<", 0, opening)
    if opening == -1:
        return None
    return value[opening + 1 : value.index(">", opening + 1)]


def message_id(msg: Message) -> str | None:
    """Return the mail's Message-Id (first ``<...>`` or the whole value).

    None when the header is empty or undecodable.
    """
    value = first_clean(msg, "Message-Id")
    if not value:
        return None
    return (first_angle(value) or value)[:MAX_MSGID]


def references(msg: Message) -> tuple[str, ...]:
    """Return the ids this mail replies to, nearest ancestor first, no repeats.

    In-Reply-To values come first (their first ``<...>``, or the whole value),
    then the ``<...>`` ids of every References header, newest first. Only
    the ``MAX_REFERENCES`` nearest are kept: each is looked up in one query,
    and databases bound the number of values a query may carry.
    """
    refs: dict[str, None] = {}
    for value in all_clean(msg, "In-Reply-To"):
        if value:
            refs.setdefault(first_angle(value) or value)
    for value in all_clean(msg, "References"):
        for ref in reversed(all_angles(value)):
            refs.setdefault(ref)
    return tuple(itertools.islice(refs, MAX_REFERENCES))


def mail_date(msg: Message, received_at: dt.datetime) -> dt.datetime:
    """Return the Date header as an aware UTC time, whole seconds.

    A missing, unparsable or out-of-range date gives ``received_at``. A date
    without a usable zone counts as UTC.
    """
    value = first_clean(msg, "Date")
    if not value:
        return received_at
    try:
        parsed = parsedate_tz(value)
        if not parsed:
            return received_at
        offset = parsed[9] or 0
        seconds = calendar.timegm((*parsed[:6], 0, 0, 0)) - offset
        return _EPOCH + dt.timedelta(seconds=seconds)
    except (OverflowError, ValueError, OSError, TypeError, IndexError):
        return received_at


def header_block(msg: Message) -> str:
    """Return every header as ``Name: value`` lines, as upstream stores them.

    Values are re-encoded for transport (folding kept, non-ASCII text as RFC
    2047 words); headers that cannot be sanitised are left out.
    """
    lines = []
    for name, value in msg.items():
        encoded = encoded_header(name, value)
        if encoded is not None:
            lines.append(f"{name}: {encoded}")
    return "\n".join(lines).replace("\x00", "")


def list_ids(msg: Message) -> tuple[str, ...]:
    """Return the list ids the mail names, in the order they are tried."""
    ids = []
    for name in LIST_ID_HEADERS:
        if name not in msg:
            continue
        value = first_clean(msg, name)
        if not value:
            continue
        bracketed = last_bracketed(value)
        if bracketed is not None:
            ids.append(bracketed)
        elif match := _LIST_ID_BARE.match(value):
            ids.append(match.group(1))
    return tuple(ids)
