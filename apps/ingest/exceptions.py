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


class MailRefused(IngestError):
    """The mail cannot be stored, and retrying would not change that.

    It is over a bound (``apps.ingest.limits``: size, processor time) or the
    database refused its statements for what they hold rather than for its
    own state (see ``is_permanent``). Kept in the failed-mail folder; the
    MTA is told the delivery is done.
    """


# Errors drivers report as "operational" though they come from the
# statement itself: the same mail fails the same way every time.
_PERMANENT_MESSAGES = (
    "too many sql variables",  # SQLite: more values than the build allows
    "string or blob too big",
    "expression tree is too large",
    "parser stack overflow",
    "number of parameters must be between",  # psycopg: over 65535 values
)
# SQLSTATE classes: 22 data exception, 54 program limit exceeded.
_PERMANENT_SQLSTATE_CLASSES = ("22", "54")


def is_permanent(exc: BaseException) -> bool:
    """Tell whether a database error is due to the mail, not to the database.

    Everything else (connection refused or lost, lock or statement timeout,
    deadlock, disk full, too many connections) may pass and is retried.
    """
    for error in (exc, exc.__cause__):
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate[:2] in _PERMANENT_SQLSTATE_CLASSES:
            return True
    text = str(exc).lower()
    return any(message in text for message in _PERMANENT_MESSAGES)
