"""The URLs people and clients store, checked once before they are written.

Pages show stored URLs as links, so a ``javascript:`` URL saved by a
submitter or a maintainer would run in the browser of whoever follows it.
The services check every stored URL with the validators here (a
``ValidationError`` names the field), and templates link only what
``link_url`` accepts, so rows stored before these checks show as text.
"""

import re

from django.core.exceptions import ValidationError

# Schemes a page links to; anything else is shown as text.
_LINK_SCHEMES = ("http://", "https://", "ftp://", "git://")
# Schemes of a web page (project site, list archive) and of a check's
# results (those of upstream's URLField).
_WEB = ("http", "https")
_CHECK_TARGET = ("http", "https", "ftp", "ftps")
# The scheme and the first character of a host, which may be an intranet
# name without dots ("https://ci/1").
_URL_START = re.compile(r"([a-z]+)://[^/?#@\s]", re.IGNORECASE)
# A repository as ``git request-pull`` prints it and upstream's parser takes
# it: "scheme://..." or scp-like "user@host:path", then an optional ref.
_REPOSITORY = re.compile(r"[\w+-]+(?:://|@)[\w/.@:~-]+(?:[ \\]+[\w/._-]+)?")
# Schemes of that form that browsers run as script.
_SCRIPT_SCHEMES = re.compile(r"(?:java|vb|live)script:|data:", re.IGNORECASE)
MAX_LENGTH = 2000


def link_url(url: str | None) -> str:
    """Return ``url`` if a page may link to it, else an empty string."""
    url = (url or "").strip()
    return url if url.lower().startswith(_LINK_SCHEMES) else ""


def _check(field: str, value: str, ok: bool, expected: str) -> None:
    if not ok:
        raise ValidationError({field: [f"Enter a valid URL: {expected}."]})


def _is_url(value: str, schemes: tuple[str, ...]) -> bool:
    start = _URL_START.match(value)
    return (
        start is not None
        and start.group(1).lower() in schemes
        and len(value) <= MAX_LENGTH
        and not any(c.isspace() or not c.isprintable() for c in value)
    )


def validate_web_url(field: str, value: str | None) -> None:
    """Refuse ``value`` for ``field`` unless empty or an http(s) URL."""
    if value:
        _check(field, value, _is_url(value, _WEB), "http:// or https://")


def validate_check_target_url(value: str | None) -> None:
    """Refuse a check's target URL unless empty or http(s)/ftp(s)."""
    if value:
        ok = _is_url(value, _CHECK_TARGET)
        _check("target_url", value, ok, "http://, https://, ftp:// or ftps://")


def validate_repository_url(field: str, value: str | None, *, ref: bool) -> None:
    """Refuse ``value`` unless empty or a repository URL (and a ref if ``ref``)."""
    if not value:
        return
    ok = (
        len(value) <= MAX_LENGTH
        and _REPOSITORY.fullmatch(value) is not None
        and (ref or " " not in value)
        and not _SCRIPT_SCHEMES.match(value)
    )
    _check(field, value, ok, "a repository as git request-pull names it")


def validate_pull_url(value: str | None) -> None:
    """Refuse a pull request's URL unless empty or a repository and ref."""
    validate_repository_url("pull_url", value, ref=True)
