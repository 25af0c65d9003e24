"""Senders: split From into name and address, undo list rewriting (DMARC)."""

import re
from email.message import Message

from apps.ingest.parsing.errors import MalformedMail
from apps.ingest.parsing.headers import all_clean, first_clean
from apps.ingest.parsing.message import Author, SenderHeaders

MAX_FIELD = 255

# RFC 5322 atext for the local part (upstream rejects the apostrophe, which
# loses mail from o'neil@...; we accept it), Unicode word characters allowed
# as upstream does. Domain: ASCII labels with inner hyphens; a dotless domain
# (user@localhost) is accepted too.
_ATOM = r"[\w!#$%&'*+/=?^`{|}~\"-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*$")


def split_address(value: str) -> tuple[str | None, str]:
    """Split a cleaned address header (one line) into (display name, address).

    The forms upstream recognises, tried in order: ``"Name" <address>`` (or
    ``Name <address>``), ``user at host (Name)``, ``address (Name)``. Upstream
    reads them with backtracking patterns that take cubic time on hostile
    values; these scans give the same answers in linear time (the property
    tests compare them with upstream's patterns).
    """
    angle = _enclosed(value, "<", ">")
    if angle is not None:
        return angle
    spelled = _spelled_out(value)
    if spelled is not None:
        return spelled
    paren = _enclosed(value, "(", ")")
    if paren is not None:
        name, address = paren
        return address, name
    return None, value


def _enclosed(value: str, opening: str, closing: str) -> tuple[str, str] | None:
    r"""Read ``"?(.*?)"?\s*<([^>]+)>`` at the start of ``value`` (any brackets).

    The text before the first opening bracket that has a closing one after
    it (and is not empty inside) is the first part, less blanks and one
    quote on each side; the text inside those brackets is the second.
    """
    start = 1 if value.startswith('"') else 0
    last_close = value.rfind(closing)
    bracket = value.find(opening, start)
    while 0 <= bracket < last_close - 1 and value[bracket + 1] == closing:
        bracket = value.find(opening, bracket + 1)
    if not 0 <= bracket < last_close - 1:
        return None
    first_end = _before_blanks(value, bracket, start)
    if first_end > start and value[first_end - 1] == '"':
        first_end -= 1
    inside = value[bracket + 1 : value.index(closing, bracket + 1)]
    return value[start:first_end], inside


def _before_blanks(value: str, end: int, start: int) -> int:
    """Return where the blanks ending at ``end`` begin (not before ``start``)."""
    while end > start and value[end - 1].isspace():
        end -= 1
    return end


def _spelled_out(value: str) -> tuple[str, str] | None:
    r"""Read ``user at host (Name)``: ``(.*?)\sat\s(.*?)\s*\(([^\)]+)\)``."""
    word = value.find("at", 1)
    while word != -1 and not (
        value[word - 1].isspace()
        and word + 2 < len(value)
        and value[word + 2].isspace()
    ):
        word = value.find("at", word + 1)
    if word == -1:
        return None
    # The earliest " at " is taken: a later one leaves fewer brackets after it.
    host_start = word + 3
    last_close = value.rfind(")")
    bracket = value.find("(", host_start)
    while 0 <= bracket < last_close - 1 and value[bracket + 1] == ")":
        bracket = value.find("(", bracket + 1)
    if not 0 <= bracket < last_close - 1:
        return None
    host = value[host_start : _before_blanks(value, bracket, host_start)]
    name = value[bracket + 1 : value.index(")", bracket + 1)]
    return name, f"{value[: word - 1]}@{host}"


def is_valid_address(address: str) -> bool:
    return _ADDRESS.match(address) is not None


def _trimmed(name: str | None, address: str) -> tuple[str | None, str]:
    if name is not None:
        name = name.strip()[:MAX_FIELD]
    return name, address.strip()[:MAX_FIELD]


def _original_sender(
    sender: SenderHeaders, name: str | None
) -> tuple[str | None, str] | None:
    """Find who really sent a mail whose From was rewritten to the list."""
    if name is None:
        # A bare list address names nobody (upstream crashes here): keep it.
        return None
    if " via " in name:
        # Mailman: "Name via List"; Google Groups: "'Name' via List".
        stripped: str | None = name[: name.rfind(" via ")].strip().strip("'")
    elif name.endswith(" via"):
        stripped = name[: name.rfind(" via")].strip().strip("'")
    else:
        stripped = None
    if sender.x_original_from:
        _, address = split_address(sender.x_original_from)
        address = address.strip()[:MAX_FIELD]
        if is_valid_address(address):
            return stripped, address
        return None
    for value in (*sender.reply_to, *sender.cc):
        for one in value.split(","):
            other_name, address = _trimmed(*split_address(one))
            if other_name == stripped and is_valid_address(address):
                return stripped, address
    return None


def resolve_author(sender: SenderHeaders, list_email: str | None = None) -> Author:
    """Return the person who wrote a mail.

    ``list_email`` is the project's list address: a From rewritten to it (for
    DMARC) is traced back to the original sender through X-Original-From,
    Reply-To or Cc. Raises ``MalformedMail`` for a missing or invalid From.
    """
    if not sender.from_:
        raise MalformedMail("Invalid 'From' header")
    name, address = _trimmed(*split_address(sender.from_))
    if not is_valid_address(address):
        raise MalformedMail("Invalid 'From' header")
    if list_email and address.lower() == list_email.lower():
        original = _original_sender(sender, name)
        if original is not None:
            name, address = original
    return Author(email=address, name=name)


def sender_headers(msg: Message) -> SenderHeaders:
    """Collect the cleaned headers that can name the sender."""
    return SenderHeaders(
        from_=first_clean(msg, "From"),
        x_original_from=first_clean(msg, "X-Original-From") or None,
        reply_to=tuple(all_clean(msg, "Reply-To")),
        cc=tuple(all_clean(msg, "Cc")),
    )
