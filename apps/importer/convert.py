"""Turning source values into what the target columns hold."""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

Converter = Callable[[Any], Any]


def utc_datetime(value: Any) -> Any:
    """Upstream stores naive UTC times; patchserver aware UTC ones.

    A PostgreSQL source is read in the source's own time zone (see
    ``apps.importer.source.connect``), so the wall-clock time of an aware
    value is upstream's naive UTC time.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC)
    return value


def boolean(value: Any) -> Any:
    """MySQL returns booleans as the integers 0 and 1."""
    return value if value is None else bool(value)


def text(value: Any) -> Any:
    """Text as ``str``, without NUL characters (PostgreSQL text cannot hold them).

    A MySQL source may hold NULs in a mail body; they become U+FFFD, as
    undecodable bytes do. Binary-collated columns arrive as bytes.
    """
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str) and "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    return value


_BY_TYPE: dict[str, Converter] = {
    "DateTimeField": utc_datetime,
    "BooleanField": boolean,
    "CharField": text,
    "SlugField": text,
    "TextField": text,
    "URLField": text,
    "EmailField": text,
}


def converters(fields: Sequence[models.Field]) -> list[Converter | None]:
    """One converter per field (``None`` where values pass unchanged)."""
    return [_BY_TYPE.get(field.get_internal_type()) for field in fields]
