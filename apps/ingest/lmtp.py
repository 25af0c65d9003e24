"""LMTP (RFC 2033) for ``manage.py lmtpserver``: the MTA's warm way in.

aiosmtpd speaks the protocol; this module decides what each mail becomes.
Every recipient is accepted (up to ``MAX_RECIPIENTS`` per transaction; the
client sends the others in the next one, as RFC 5321 has it, and UTF-8
addresses too). After ``DATA`` the mail is stored once per
project it is addressed to (``deliver``, in a worker process of
``apps.ingest.lmtp_pool``) and every recipient gets the reply of its
delivery, as LMTP asks (one reply per recipient):

* 250: stored, a duplicate, a reply kept until the mail it answers is
  stored, or nothing to store (``parsemail``'s exit 0);
* for a mail ``parsemail`` exits 1 for (kept in the failed-mail folder),
  ``LMTP_FAILED_REPLY``: 250 by default, so that the MTA does not bounce a
  list's mail to its sender, or 554 (``reject``);
* 451: a temporary fault (database down or busy, a worker that died): the
  MTA keeps the mail and delivers it again later;
* 552 at the end of ``DATA`` for a mail over ``INGEST_MAX_MAIL_SIZE``.

The project comes from the mail's list headers, unless the recipient
address is mapped to a List-Id (``LMTP_RECIPIENTS``, the counterpart of
``parsemail --list-id``) or is ``<list-id>@list-id.invalid``, which is how
``scripts/parsemail.sh --list-id`` hands a mail over.
"""

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import Envelope, Session

from apps.ingest.delivery import EX_FAILED, EX_OK, Delivered

logger = logging.getLogger(__name__)

# A reserved top-level domain (RFC 2606): no real address ends so.
LIST_ID_DOMAIN = "list-id.invalid"
FAILED_REPLIES = ("accept", "reject")
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
_REPLY_TEXT_LIMIT = 300
# Recipients of one transaction: each distinct project is one delivery.
MAX_RECIPIENTS = 100
# Without a size limit, lines are still bounded (32 MiB, the default limit).
DEFAULT_LINE_LIMIT = 32 * 1024 * 1024

Store = Callable[[bytes, str | None], Awaitable[Delivered]]


class ConfigurationError(ValueError):
    """A setting of the LMTP server has a value it cannot use."""


@dataclass(frozen=True)
class Policy:
    """What the administrator decided: recipients' projects, the failed reply."""

    recipients: dict[str, str]  # lower-cased address -> List-Id
    reject_failed: bool = False

    @classmethod
    def from_settings(cls, recipients: Iterable[str], failed_reply: str) -> "Policy":
        """Read ``LMTP_RECIPIENTS`` (``address=list-id`` items) and the reply."""
        if failed_reply not in FAILED_REPLIES:
            raise ConfigurationError(
                f"PATCHSERVER_LMTP_FAILED_REPLY must be accept or reject, "
                f"not {failed_reply!r}"
            )
        mapping = {}
        for item in recipients:
            # Local parts may hold "=" (VERP, SRS) and "@" (quoted), List-Ids
            # "=" (they are dot-atoms) but no "@", and domain names neither:
            # the address ends at the first "=" after its last "@".
            local, at, rest = item.rpartition("@")
            domain, equals, list_id = rest.partition("=")
            address, list_id = f"{local}{at}{domain}".strip(), list_id.strip()
            if not (local and equals and list_id):
                raise ConfigurationError(
                    f"PATCHSERVER_LMTP_RECIPIENTS: {item!r} is not address=list-id"
                )
            mapping[address.lower()] = list_id
        return cls(mapping, reject_failed=failed_reply == "reject")

    def list_id_for(self, recipient: str) -> str | None:
        """Return the List-Id a recipient stands for; None: the mail's headers."""
        mapped = self.recipients.get(recipient.lower())
        if mapped:
            return mapped
        local, _, domain = recipient.rpartition("@")
        if local and domain.lower() == LIST_ID_DOMAIN:
            return local
        return None

    def reply(self, delivered: Delivered) -> str:
        """Return the LMTP reply line for one delivery's outcome."""
        text = printable(delivered.summary)
        if delivered.status == EX_OK:
            return f"250 2.0.0 {text}"
        if delivered.status == EX_FAILED:
            if self.reject_failed:
                return f"554 5.6.0 not stored: {text}"
            return f"250 2.0.0 not stored, kept for the administrator: {text}"
        return f"451 4.3.0 {text}"


def printable(text: str) -> str:
    """Make text from a mail safe in a reply: one line of printable ASCII."""
    flat = _UNPRINTABLE.sub("?", text)
    if len(flat) > _REPLY_TEXT_LIMIT:
        return flat[: _REPLY_TEXT_LIMIT - 3] + "..."
    return flat


def as_delivered(content: bytes) -> bytes:
    """Return the mail as a pipe delivery hands it over: LF line ends."""
    return content.replace(b"\r\n", b"\n")


class Handler:
    """aiosmtpd's hooks: accept recipients, store the mail, reply per recipient."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store = store
        self.policy = policy
        self.stopping = False
        self.in_flight = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: LMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            # RFC 5321: the client sends the rest in another transaction.
            return "452 4.5.3 too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: LMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content
        assert isinstance(content, bytes)  # aiosmtpd keeps the bytes as sent
        raw = as_delivered(content)
        # One delivery per project the recipients stand for; each recipient
        # gets its project's reply, in the order they were given.
        list_ids = [self.policy.list_id_for(r) for r in envelope.rcpt_tos]
        replies = {
            list_id: await self._deliver(raw, list_id)
            for list_id in dict.fromkeys(list_ids)
        }
        return "\r\n".join(replies[list_id] for list_id in list_ids)

    async def _deliver(self, raw: bytes, list_id: str | None) -> str:
        if self.stopping:
            return "451 4.3.2 the server is shutting down, try again later"
        self.in_flight += 1
        try:
            return self.policy.reply(await self.store(raw, list_id))
        except Exception:
            # Never aiosmtpd's "500 Error": the mail was not stored, and a
            # retry is the way not to lose it.
            logger.exception("LMTP delivery failed")
            return "451 4.3.0 internal error, try again later"
        finally:
            self.in_flight -= 1


class LMTPServer(LMTP):
    """aiosmtpd's LMTP, with one reply per recipient for a refused DATA too.

    aiosmtpd answers an oversized mail once; an LMTP client waits for one
    reply per accepted recipient, so that reply is repeated. Lines may be
    as long as the mail may be large (mail from a pipe has no line limit).
    """

    def __init__(
        self,
        handler: Handler,
        *,
        max_size: int,
        connections: set["LMTPServer"],
        **kw: Any,
    ) -> None:
        self.line_length_limit = max_size or DEFAULT_LINE_LIMIT
        self._open = connections
        self._in_data = False
        # SMTPUTF8: addresses in UTF-8 are taken, not refused (the mail stays
        # bytes either way).
        super().__init__(
            handler, data_size_limit=max_size or None, enable_SMTPUTF8=True, **kw
        )

    def connection_made(self, transport: Any) -> None:
        self._open.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._open.discard(self)
        super().connection_lost(error)

    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802 - aiosmtpd's name
        self._in_data = True
        try:
            await super().smtp_DATA(arg)
        finally:
            self._in_data = False

    async def push(self, status: Any) -> None:
        if self._in_data and isinstance(status, str) and status[:3] in ("552", "500"):
            # Too much data, or a line too long: a line is allowed the size
            # of a whole mail, so both mean a mail over the limit.
            if self.data_size_limit:
                status = (
                    f"552 5.3.4 mail larger than {self.data_size_limit} bytes "
                    "(INGEST_MAX_MAIL_SIZE)"
                )
            else:
                status = f"552 5.3.4 a line longer than {self.line_length_limit} bytes"
            assert self.envelope is not None
            status = "\r\n".join([status] * max(1, len(self.envelope.rcpt_tos)))
        await super().push(status)
