"""Row ids written by clients (query strings, form fields, JSON bodies).

``int()`` alone is the wrong parser for them: ``str.isdigit()`` accepts
characters ``int()`` refuses ("²"), ``int()`` refuses strings of more than
4300 digits (after spending time on them), and a number that parses may
still not fit an id column, which some databases answer with an error.
"""

# The largest value an id column holds (64-bit signed).
MAX_ID = 2**63 - 1
# Enough digits for MAX_ID; longer strings are not ids.
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(raw: str) -> int | None:
    """Return ``raw`` as an id (0 to ``MAX_ID``), or None if it cannot be one.

    Surrounding spaces are ignored; digits of any script are read as
    ``int()`` reads them.
    """
    digits = raw.strip()
    if not digits.isdecimal() or len(digits) > _MAX_DIGITS:
        return None
    value = int(digits)
    return value if value <= MAX_ID else None
