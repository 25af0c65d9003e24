"""Values of the search language's terms: dates, ages and counts."""

import datetime as dt
import re

from apps.patches.search.errors import SearchError

# 3d, 2w, 6m (30 days), 1y (365 days), 12h.
_AGE = re.compile(r"(\d{1,5})([hdwmy])")
_AGE_HOURS = {"h": 1, "d": 24, "w": 24 * 7, "m": 24 * 30, "y": 24 * 365}
_COMPARISON = re.compile(r"([a-z0-9-]+)(>=|<=|=|>|<)(\d{1,9})", re.IGNORECASE)


def moment(prefix: str, text: str, now: dt.datetime) -> dt.datetime:
    """Return the time ``text`` names: an age before ``now`` or an ISO date.

    A bare date means its first moment for ``since:`` and the moment after
    the day for ``until:``, so ``until:2024-01-31`` includes that day.
    """
    age = _AGE.fullmatch(text.lower())
    if age:
        return now - dt.timedelta(hours=int(age.group(1)) * _AGE_HOURS[age.group(2)])
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            return start + dt.timedelta(days=1) if prefix == "until" else start
        parsed = dt.datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None or len(text) < 10:
        raise SearchError(
            f"'{prefix}:{text}' is not a date: use YYYY-MM-DD, an ISO date and "
            "time, or an age such as 3d, 2w, 6m, 1y."
        )
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def comparison(text: str) -> tuple[str, str, int]:
    """Return (tag name, operator, count) of ``reviewed-by>=1`` (bare name: >=1)."""
    match = _COMPARISON.fullmatch(text)
    if match:
        return match.group(1), match.group(2), int(match.group(3))
    if re.fullmatch(r"[a-z0-9-]+", text, re.IGNORECASE):
        return text, ">=", 1
    raise SearchError(
        f"'tag:{text}' is not a tag count: write tag:<name>, or a comparison "
        "such as tag:reviewed-by>=1."
    )


def holds(operator: str, left: int, right: int) -> bool:
    """Return whether ``left <operator> right``."""
    return {
        "=": left == right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[operator]


LOOKUPS = {"=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
