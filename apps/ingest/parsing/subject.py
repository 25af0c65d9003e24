"""Subject lines: name, prefixes, series marker (x/n), version, reply flag."""

import re
from collections.abc import Iterable

from apps.ingest.parsing.headers import normalise_space
from apps.ingest.parsing.message import SubjectInfo

MAX_NAME = 255
# Series numbers and versions are stored as 32-bit integers. Upstream fails
# (and loses the mail) on larger ones; we treat them as absent.
MAX_NUMBER = 2**31 - 1

# One leading Re:/Fw:/Fwd: (only one is removed; "RE: Fwd: x" keeps "Fwd: x").
_RE_FWD = re.compile(r"^(re|fwd?)[:\s]\s*", re.I)
_REPLY = re.compile(r"^re[:\s]", re.I)
_BRACKET = re.compile(r"\[([^\]]*)\]\s*")
# Mercurial's "[PATCH 3 of 5]": keep "3 of 5" as one token.
_HG_MARKER = re.compile(r"^PATCH (\d+ of \d+)(.*)$")
_TOKEN_SEPARATORS = re.compile(r"[,\s]+")
_DIGITS = frozenset("0123456789")
_VERSION_TOKEN = re.compile(r"^[vV](\d+)$")
_VERSION_IN_NAME = re.compile(r"\([vV](\d+)\)")


def is_reply(subject: str | None) -> bool:
    """Tell whether a cleaned Subject marks a reply (``Re:``, not ``Fwd:``)."""
    if not subject:
        return False
    return _REPLY.match(subject) is not None


def split_prefix(prefix: str) -> list[str]:
    """Split the text of one ``[...]`` group into tokens."""
    tokens = []
    match = _HG_MARKER.match(prefix)
    if match is not None:
        marker, prefix = match.groups()
        tokens.extend(["PATCH", marker])
    tokens.extend(token for token in _TOKEN_SEPARATORS.split(prefix) if token)
    return tokens


def split_subject(subject: str, drop: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Return the patch name and prefix tokens of a cleaned Subject.

    Leading ``[...]`` groups become prefixes; tokens equal (any case) to
    ``patch`` or to one of ``drop`` (the project's link name) are discarded.
    The name is the rest, preceded by the kept prefixes in brackets.
    """
    dropped = {token.lower() for token in drop} | {"patch"}
    text = normalise_space(_RE_FWD.sub(" ", subject, count=1))
    prefixes: list[str] = []
    # Matched in place: slicing the rest off after each group would copy
    # the subject once per group.
    rest = 0
    while match := _BRACKET.match(text, rest):
        prefixes.extend(
            t for t in split_prefix(match.group(1)) if t.lower() not in dropped
        )
        rest = match.end()
    text = normalise_space(text[rest:])
    if prefixes:
        text = "[{}] {}".format(",".join(prefixes), text)
    return text, prefixes


def series_marker(prefixes: Iterable[str]) -> tuple[int | None, int | None]:
    """Return (x, n) from the first prefix ending in ``x/n`` or ``x of n``."""
    for prefix in prefixes:
        marker = _marker(prefix)
        if marker is not None:
            number, total = _number(marker[0]), _number(marker[1])
            if number is None or total is None:
                return None, None
            return number, total
    return None, None


def _marker(prefix: str) -> tuple[str, str] | None:
    """Return the digits of an ``x/n`` or ``x of n`` ending of ``prefix``.

    Anything may come before (``PATCH1/8``, ``v2PATCH1/4``). Upstream's
    pattern for this (``.*?([0-9]+)(?:/| of )([0-9]+)$``) takes quadratic
    time on long runs of digits; this reads the end of the token once.
    """
    total_start = len(prefix)
    while total_start > 0 and prefix[total_start - 1] in _DIGITS:
        total_start -= 1
    if total_start == len(prefix):
        return None
    if prefix.endswith("/", 0, total_start):
        number_end = total_start - 1
    elif prefix.endswith(" of ", 0, total_start):
        number_end = total_start - 4
    else:
        return None
    number_start = number_end
    while number_start > 0 and prefix[number_start - 1] in _DIGITS:
        number_start -= 1
    if number_start == number_end:
        return None
    return prefix[number_start:number_end], prefix[total_start:]


def version(name: str, prefixes: Iterable[str]) -> int:
    """Return the version: a ``vN`` prefix, else ``(vN)`` in the name, else 1.

    ``v0`` (and ``v00``) is version 0, as upstream stores it; only a number
    too large to store counts as no version.
    """
    match = next(filter(None, map(_VERSION_TOKEN.match, prefixes)), None)
    if match is None:
        match = _VERSION_IN_NAME.search(name)
    if match is None:
        return 1
    number = _number(match.group(1))
    return 1 if number is None else number


def _number(digits: str) -> int | None:
    """Return the value of a run of digits, or None when it is too large to store.

    Zeros in front count for nothing (``007`` is 7), however many there are;
    a longer run is refused before it is converted, which takes time
    quadratic in its length.
    """
    significant = digits.lstrip("0")
    if len(significant) > len(str(MAX_NUMBER)):
        return None
    value = int(significant or "0")
    return value if value <= MAX_NUMBER else None


def subject_info(subject: str, linkname: str | None = None) -> SubjectInfo:
    """Parse a cleaned Subject for a project with link name ``linkname``."""
    name, prefixes = split_subject(subject, [linkname] if linkname else [])
    number, total = series_marker(prefixes)
    return SubjectInfo(
        name=name[:MAX_NAME],
        prefixes=tuple(prefixes),
        number=number,
        total=total,
        version=version(name, prefixes),
        versioned=any(map(_VERSION_TOKEN.match, prefixes))
        or _VERSION_IN_NAME.search(name) is not None,
    )
