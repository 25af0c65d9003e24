"""Where a webhook may send: public http(s) addresses only, by default.

A hook's URL is chosen by any maintainer or user, and the server sends to
it from inside its own network; left unchecked, that lets anyone probe or
call services reachable only from there (a database admin page, a cloud
metadata endpoint). So a delivery resolves the host itself, refuses every
address that is not public, and connects to the address it checked (a
second lookup could answer differently: DNS rebinding).
``WEBHOOK_ALLOW_PRIVATE_TARGETS`` lifts the address rule for sites whose
receivers live on their own network.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

SCHEMES = {"http": 80, "https": 443}
MAX_URL_LENGTH = 500

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL or the address it resolves to may not receive deliveries."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def address_allowed(address: Address) -> bool:
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    # is_global leaves out loopback, private, link-local, shared (CGNAT),
    # reserved and documentation ranges; multicast may be global.
    return address.is_global and not address.is_multicast


def _split(url: str) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError as error:
        raise TargetRefused(f"The URL is malformed ({error}).") from None
    if parts.scheme not in SCHEMES:
        raise TargetRefused("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname:
        raise TargetRefused("The URL names no host.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Put no user name or password in the URL; use the secret.")
    return parts


def check_url(url: str) -> None:
    """Refuse, at registration, a URL that could never be delivered to.

    Host names are resolved only when delivering (their addresses may
    change); an address written in the URL is checked now.
    """
    parts = _split(url)
    host = parts.hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            address = ipaddress.ip_address("127.0.0.1")
        else:
            return
    if not address_allowed(address):
        raise TargetRefused(f"{host} is not a public address.")


def resolve(url: str) -> Target:
    """Return where to connect for ``url``: a checked address of its host."""
    parts = _split(url)
    host = parts.hostname or ""
    port = parts.port or SCHEMES[parts.scheme]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise TargetRefused(f"{host} could not be resolved ({error}).") from None
    refused = ""
    for *_, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        if address_allowed(ipaddress.ip_address(text)):
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            return Target(parts.scheme, host, port, path, text)
        refused = refused or text
    raise TargetRefused(f"{host} resolves to {refused}, which is not a public address.")
