"""The one error of the search language."""


class SearchError(ValueError):
    """A search text that is not valid; the message tells the user why."""
