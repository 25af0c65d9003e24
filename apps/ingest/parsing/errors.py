"""Errors the parser raises for mail that cannot be stored."""


class MalformedMail(ValueError):
    """A header the mail cannot be stored without is missing or unusable.

    The message text is upstream's (e.g. ``Missing 'From' header``), which
    operators grep their logs for.
    """
