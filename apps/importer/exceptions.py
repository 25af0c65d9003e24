class ImportRefused(Exception):
    """The import cannot start (target not empty, nothing to resume, ...)."""


class ImportFailed(Exception):
    """Rows could not be written or checked; everything before them is kept."""
