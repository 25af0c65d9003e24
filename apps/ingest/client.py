"""Hand one mail to a running ingest server (``manage.py ingestserver``).

Standard library only, and nothing of Django: the point is to answer an MTA
in a few tens of milliseconds, where starting Django takes several hundred.

Protocol over a Unix stream socket: the client sends one JSON line
(``{"list_id": ...}``), then the raw mail, then shuts down its sending side.
The server answers with one JSON line: ``{"status": <exit status>, "log":
<the log lines the delivery wrote>}``.
"""

import json
import socket

PROTOCOL_VERSION = 1


class ServerUnavailable(Exception):
    """No answer from the server; nothing is known about the mail's fate."""


def deliver_via_server(
    socket_path: str, raw: bytes, *, list_id: str | None, timeout: float = 300.0
) -> tuple[int, str]:
    """Send ``raw`` to the ingest server; return (exit status, log text).

    Raises ``ServerUnavailable`` when the server cannot be reached or does
    not answer. The caller may then store the mail itself: if the server did
    store it after all, that delivery is recognised as a duplicate.
    """
    header = json.dumps({"version": PROTOCOL_VERSION, "list_id": list_id}).encode()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(header + b"\n" + raw)
            conn.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    except OSError as exc:
        raise ServerUnavailable(str(exc)) from exc
    try:
        reply = json.loads(answer)
        return int(reply["status"]), str(reply.get("log", ""))
    except (ValueError, KeyError, TypeError) as exc:
        raise ServerUnavailable(f"unreadable answer: {answer[:200]!r}") from exc
