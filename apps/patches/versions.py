"""What tells two series apart as versions of one another: pure text rules.

No database here: the linking service (``apps.patches.services.versions``)
feeds these the names, bodies and headers it stored.
"""

import re
from collections.abc import Iterable

MAX_KEY = 255
MAX_CHANGE_ID = 255
# A head mail's references beyond these nearest ones name older thread
# history, not the version a series answers.
MAX_THREAD_REFERENCES = 20

_BRACKETS = re.compile(r"^\s*\[[^\]]*\]")
_REPLY = re.compile(r"^\s*(?:re|fwd?|aw)\s*:", re.IGNORECASE)
# Words of a subject's prefix that some senders write without brackets.
_BARE_PREFIX = re.compile(
    r"^\s*(?:patch|rfc|resend|v\d+|\d+/\d+)(?=[\s:,]|$)[\s:,]*", re.IGNORECASE
)
_NOT_WORD = re.compile(r"[\W_]+")
# b4's trailer in a cover letter (or a single patch): "change-id: 20240101-topic-1a2b".
_CHANGE_ID = re.compile(r"^change-id:[ \t]*(\S+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_MSGID = re.compile(r"<[^<>\s]+>")
_HEADER_LINE = re.compile(r"^(in-reply-to|references):", re.IGNORECASE)


def name_key(name: str | None) -> str:
    """Return the part of a series name that stays the same across versions.

    Every leading ``[...]`` group (``PATCH``, ``v2``, ``RESEND``, ``3/5``,
    a subsystem tag) and unbracketed prefix words go, then case and
    punctuation: ``[PATCH v3 RESEND 0/2] net: Fix the thing.`` and
    ``[PATCH 0/2] net: fix the thing`` give the same key. Empty when
    nothing is left.
    """
    text = name or ""
    while True:
        stripped = _REPLY.sub("", _BRACKETS.sub("", _BARE_PREFIX.sub("", text)))
        if stripped == text:
            break
        text = stripped
    return " ".join(_NOT_WORD.sub(" ", text).lower().split())[:MAX_KEY]


def change_id(content: str | None) -> str:
    """Return the ``change-id:`` trailer b4 writes in a mail body, or ''."""
    match = _CHANGE_ID.search(content or "")
    return match.group(1)[:MAX_CHANGE_ID] if match else ""


def header_references(headers: str | None) -> list[str]:
    """Return the Message-Ids in stored ``In-Reply-To`` and ``References`` headers.

    ``headers`` is a mail's header block as stored (folded lines kept);
    the nearest references come first, at most ``MAX_THREAD_REFERENCES``.
    """
    found: list[str] = []
    current: str | None = None
    values: dict[str, str] = {}
    for line in (headers or "").splitlines():
        if line[:1] in (" ", "\t") and current is not None:
            values[current] += " " + line
            continue
        match = _HEADER_LINE.match(line)
        current = match.group(1).lower() if match else None
        if current is not None:
            values[current] = line[match.end() :] if match else ""
    found.extend(_MSGID.findall(values.get("in-reply-to", "")))
    found.extend(reversed(_MSGID.findall(values.get("references", ""))))
    return nearest_references(found)


def nearest_references(msgids: Iterable[str]) -> list[str]:
    """Return distinct ``msgids`` (nearest first), at most ``MAX_THREAD_REFERENCES``."""
    return list(dict.fromkeys(m[:255] for m in msgids))[:MAX_THREAD_REFERENCES]
