"""The LMTP server's address, read alike by ``parsemail`` and ``lmtpserver --bind``."""

import pytest

from apps.ingest.lmtp_client import ServerUnavailable, host_and_port, parse_address


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("127.0.0.1:2525", ("127.0.0.1", 2525)),
        ("[::1]:2525", ("::1", 2525)),
        (":2525", ("127.0.0.1", 2525)),
        ("localhost:0", ("localhost", 0)),
        ("localhost:65535", ("localhost", 65535)),
    ],
)
def test_host_and_port(value, address):
    assert host_and_port(value) == address
    assert parse_address(value) == address


@pytest.mark.parametrize(
    "value", ["nowhere", "localhost:", "localhost:x", "localhost:65536", "/a.sock"]
)
def test_what_is_not_host_and_port(value):
    assert host_and_port(value) is None


def test_a_socket_path_or_a_mistake_for_the_client():
    assert parse_address("/run/patchserver/lmtp.sock") == (
        "/run/patchserver/lmtp.sock",
        0,
    )
    # A port out of range is refused before any connection is tried.
    for server in ("nowhere", "localhost:65536"):
        with pytest.raises(ServerUnavailable, match="neither HOST:PORT"):
            parse_address(server)
