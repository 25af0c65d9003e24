"""Names of people and accounts: one line of text, no control characters.

Names are written into mail headers (mboxes, notifications) and pages, so a
line break or another control character in one is refused wherever a person
types a name (API, web forms, admin: the model fields' validator). Names
taken from mail are cleaned instead, so that no mail is lost for its name.
"""

import re

from django.core.exceptions import ValidationError

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE_RUN = re.compile(r"\s+")


def validate_name(value: str | None) -> None:
    """Refuse a name holding a line break, a tab or another control character."""
    if value and _CONTROL.search(value):
        raise ValidationError(
            "Names cannot contain line breaks, tabs or other control characters.",
            code="control_character",
        )


def clean_name(value: str | None) -> str | None:
    """Return a name from mail as upstream stores it, without control characters.

    Runs of whitespace become one space (as upstream normalises header
    text); control characters that are not whitespace are dropped.
    """
    if value is None:
        return None
    return _CONTROL.sub("", _WHITESPACE_RUN.sub(" ", value)).strip()
