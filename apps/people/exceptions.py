class AccountError(Exception):
    """A requested account change breaks a rule; the message is user-facing."""


class MailNotSent(AccountError):
    """The confirmation mail could not be handed to the mail server."""

    def __init__(self, address: str, reason: Exception):
        super().__init__(f"The e-mail to {address} could not be sent: {reason}")
        self.address = address
        self.reason = reason


class CannotUnlink(AccountError):
    """The address is the account's own, or belongs to someone else."""
