import re

from django.core.exceptions import ValidationError


def validate_regex(value: str) -> None:
    """Reject a pattern that Python's ``re`` cannot compile."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(f"Invalid regular expression: {exc}") from None
