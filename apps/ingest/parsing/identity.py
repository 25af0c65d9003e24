"""Senders: split From into name and address, undo list rewriting (DMARC)."""

import re
from email.message import Message

from apps.ingest.parsing.errors import MalformedMail
from apps.ingest.parsing.headers import all_clean, first_clean
from apps.ingest.parsing.message import Author, SenderHeaders

MAX_FIELD = 255

# Tried in order; each returns (name, address).
_FROM_FORMS = (
    # "Name" <address>  or  Name <address>
    (re.compile(r'"?(.*?)"?\s*<([^>]+)>'), lambda g: (g[0], g[1])),
    # user at host (Name)
    (
        re.compile(r"(.*?)\sat\s(.*?)\s*\(([^\)]+)\)"),
        lambda g: (g[2], f"{g[0]}@{g[1]}"),
    ),
    # address (Name)
    (re.compile(r'"?(.*?)"?\s*\(([^\)]+)\)'), lambda g: (g[1], g[0])),
)

# RFC 5322 atext for the local part (upstream rejects the apostrophe, which
# loses mail from o'neil@...; we accept it), Unicode word characters allowed
# as upstream does. Domain: ASCII labels with inner hyphens; a dotless domain
# (user@localhost) is accepted too.
_ATOM = r"[\w!#$%&'*+/=?^`{|}~\"-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*$")


def split_address(value: str) -> tuple[str | None, str]:
    """Split a cleaned address header into (display name, address)."""
    for pattern, pick in _FROM_FORMS:
        match = pattern.match(value)
        if match:
            return pick(match.groups())
    return None, value


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
