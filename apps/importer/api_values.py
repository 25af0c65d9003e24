"""Reading values out of the API's JSON objects, which are untrusted input."""

import datetime as dt
import re
from typing import Any

from apps.checks.models import Check
from apps.importer.api_client import MirrorFailed

_SERIES_URL = re.compile(r"/series/(\d+)/")
CHECK_STATES = {label: value for value, label in Check.State.choices}


class Obj:
    """One JSON object of the API, with typed accessors that fail clearly."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise MirrorFailed(f"{where}: expected a JSON object")
        self.data = data
        self.where = where

    def _value(self, key: str, kinds: tuple[type, ...], optional: bool) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        # JSON true is an int to Python; an id must not be one.
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if not isinstance(value, kinds) or wrong_bool:
            raise MirrorFailed(f"{self.where}: unexpected {key!r}: {value!r:.80}")
        return value

    def integer(self, key: str) -> int:
        return self._value(key, (int,), optional=False)

    def string(self, key: str) -> str:
        return self._value(key, (str,), optional=False)

    def string_or_none(self, key: str) -> str | None:
        return self._value(key, (str,), optional=True)

    def flag(self, key: str) -> bool:
        return self._value(key, (bool,), optional=False)

    def flag_or_none(self, key: str) -> bool | None:
        return self._value(key, (bool,), optional=True)

    def date(self, key: str) -> dt.datetime:
        """Return an API time as aware UTC (the API shows naive UTC times)."""
        text = self.string(key)
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise MirrorFailed(
                f"{self.where}: {key!r} is not a date: {text!r:.40}"
            ) from None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def obj(self, key: str) -> "Obj":
        return Obj(self.data.get(key), f"{self.where} {key}")

    def obj_or_none(self, key: str) -> "Obj | None":
        value = self.data.get(key)
        return None if value is None else Obj(value, f"{self.where} {key}")

    def objs(self, key: str) -> list["Obj"]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise MirrorFailed(f"{self.where}: {key!r} is not a list")
        return [Obj(item, f"{self.where} {key}") for item in value]

    def has(self, key: str) -> bool:
        return key in self.data

    def check_state(self) -> int:
        state = self.string("state")
        if state not in CHECK_STATES:
            raise MirrorFailed(f"{self.where}: unknown check state {state!r:.40}")
        return CHECK_STATES[state]

    def series_ids(self, key: str) -> list[int]:
        """Ids of the series API URLs of a list (``dependencies``)."""
        ids = []
        for url in self.data.get(key) or []:
            match = _SERIES_URL.search(url) if isinstance(url, str) else None
            if match is None:
                raise MirrorFailed(f"{self.where}: {key!r} holds {url!r:.80}")
            ids.append(int(match.group(1)))
        return ids


def header_block(headers: Any, where: str) -> str:
    """Return the stored header block for an API ``headers`` object.

    The API groups a mail's headers by name (first-occurrence order, repeated
    ones as lists); writing them back in that order gives a block the API
    shows the same way.
    """
    if not isinstance(headers, dict):
        raise MirrorFailed(f"{where}: 'headers' is not an object")
    lines = []
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str) or not _is_header_name(name):
                raise MirrorFailed(f"{where}: bad header {name!r:.40}")
            lines.append(f"{name}: {item}")
    return "\n".join(lines)


def _is_header_name(name: str) -> bool:
    return bool(name) and all(33 <= ord(char) <= 126 and char != ":" for char in name)
