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
    """Map each spelling of a header name to its values (first-occurrence order).

    Values are looked up without regard to case, as upstream does: a header
    written ``X-Received`` and ``x-received`` gives two keys, each holding
    every value of both spellings. One value is a string, several a list in
    mail order.
    """
    items = header_items(block)
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        grouped.setdefault(name.lower(), []).append(value)
    spellings = dict.fromkeys(name for name, _ in items)
    result: dict[str, str | list[str]] = {}
    for name in spellings:
        values = grouped[name.lower()]
        result[name] = values[0] if len(values) == 1 else values
    return result


def header_value(block: str | None, wanted: str) -> str | None:
    """Return the first value of header ``wanted`` (any case), or None."""
    wanted = wanted.lower()
    for name, value in header_items(block):
        if name.lower() == wanted:
            return value
    return None
