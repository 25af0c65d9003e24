"""Hand one mail to a running ``manage.py lmtpserver`` (what ``parsemail.sh`` uses).

Standard library only, and nothing of Django: the point is to answer an MTA
in a few tens of milliseconds, where starting Django takes several hundred.
The server's reply becomes ``parsemail``'s exit status: 2xx is 0, 4xx is 75
(EX_TEMPFAIL: the MTA retries), 554 is 1 (not stored, kept in the
failed-mail folder, with ``PATCHSERVER_LMTP_FAILED_REPLY=reject``). Anything
else (no server, a 552 for a mail over the size limit, a broken
conversation) raises ``ServerUnavailable``: the caller then stores the mail
itself, which keeps what cannot be stored in the failed-mail folder; a mail
the server did store after all is then found to be a duplicate.
"""

import re
import smtplib

# Keep in step with apps.ingest.lmtp.LIST_ID_DOMAIN (that module loads Django).
LIST_ID_DOMAIN = "list-id.invalid"
# Without --list-id the project comes from the headers; any address that is
# not mapped to a list does.
HEADERS_RECIPIENT = "patchserver@localhost"
EX_OK = 0
EX_FAILED = 1
EX_TEMPFAIL = 75
# What a List-Id may be to travel as the local part of an address.
_DOT_ATOM = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)


class ServerUnavailable(Exception):
    """The server did not take the mail; it may be stored here instead."""


def host_and_port(value: str) -> tuple[str, int] | None:
    """Split ``HOST:PORT`` (``[::1]:2525`` for IPv6; no host is 127.0.0.1).

    Return None when ``value`` is not one. The server's ``--bind`` is read
    here too.
    """
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        return None
    return host.strip("[]") or "127.0.0.1", int(port)


def parse_address(server: str) -> tuple[str, int]:
    """Return (host, port) for ``HOST:PORT``, or (path, 0) for a Unix socket."""
    if server.startswith("/"):
        return server, 0
    address = host_and_port(server)
    if address is None:
        raise ServerUnavailable(f"{server!r} is neither HOST:PORT nor a socket path")
    return address


def recipient_for(list_id: str | None) -> str:
    if list_id is None:
        return HEADERS_RECIPIENT
    if not _DOT_ATOM.fullmatch(list_id):
        raise ServerUnavailable(f"the list id {list_id!r} cannot be sent over LMTP")
    return f"{list_id}@{LIST_ID_DOMAIN}"


def deliver_via_lmtp(
    server: str, raw: bytes, *, list_id: str | None, timeout: float = 300.0
) -> tuple[int, str]:
    """Send ``raw`` to the LMTP server; return (exit status, the server's reply)."""
    host, port = parse_address(server)
    recipient = recipient_for(list_id)
    client = smtplib.LMTP(timeout=timeout)
    try:
        client.connect(host, port)
        client.ehlo()
        _expect(client.mail("<>"), "MAIL")
        _expect(client.rcpt(recipient), "RCPT")
        code, text = client.data(re.sub(rb"\r?\n", b"\r\n", raw))
    except (OSError, smtplib.SMTPException) as exc:
        raise ServerUnavailable(str(exc) or type(exc).__name__) from exc
    finally:
        client.close()
    reply = f"{code} {text.decode('ascii', 'replace')}"
    if 200 <= code < 300:
        return EX_OK, reply
    if 400 <= code < 500:
        return EX_TEMPFAIL, reply
    if code == 554:
        return EX_FAILED, reply
    raise ServerUnavailable(f"the server refused the mail: {reply}")


def _expect(answer: tuple[int, bytes], command: str) -> None:
    code, text = answer
    if code != 250:
        raise ServerUnavailable(f"{command} answered {code} {text!r}")
