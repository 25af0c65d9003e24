"""The ``headers`` object of patches, covers and comments (rest-api.md §9)."""

from email.parser import HeaderParser


def header_items(block: str | None) -> list[tuple[str, str]]:
    """Return the (name, value) pairs of a stored header block, in mail order.

    Values stay as stored: folded lines keep their line breaks and encoded
    words stay encoded.
    """
    if not block:
        return []
    return HeaderParser().parsestr(block, headersonly=True).items()


def headers_object(block: str | None) -> dict[str, str | list[str]]:
    """Group headers by name (first spelling, first-occurrence order).

    A header seen once maps to its value, one seen several times to the list
    of its values in mail order.
    """
    grouped: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    for name, value in header_items(block):
        key = spelling.setdefault(name.lower(), name)
        grouped.setdefault(key, []).append(value)
    return {
        name: values[0] if len(values) == 1 else values
        for name, values in grouped.items()
    }


def header_value(block: str | None, wanted: str) -> str | None:
    """Return the first value of header ``wanted`` (any case), or None."""
    wanted = wanted.lower()
    for name, value in header_items(block):
        if name.lower() == wanted:
            return value
    return None
