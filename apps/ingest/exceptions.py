"""Why a mail could not be stored."""


class IngestError(Exception):
    """Base class: the mail was not stored."""


class Unparseable(IngestError):
    """The mail lacks something it cannot be stored without (upstream exit 1).

    The message is upstream's wording, e.g. ``Invalid 'From' header``.
    """


class TemporaryFailure(IngestError):
    """Storing failed for a reason that may go away (database down, lock wait).

    Nothing was stored; delivering the same mail again later should work,
    so ``parsemail`` exits with EX_TEMPFAIL and the MTA keeps the mail.
    """
