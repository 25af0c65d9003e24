"""An LMTP client for tests that run a server on their own event loop."""

import asyncio

from apps.ingest.lmtp import Handler, LMTPServer, Policy


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\n", b"\r\n")


class Client:
    """An LMTP client on the test's event loop: commands in, reply lines out."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer

    async def reply(self) -> str:
        """Read one (possibly multi-line) reply; return its last line."""
        while True:
            line = (await self.reader.readline()).decode().rstrip("\r\n")
            if len(line) < 4 or line[3] != "-":
                return line

    async def command(self, line: str) -> str:
        self.writer.write(line.encode() + b"\r\n")
        return await self.reply()

    async def send(self, raw: bytes, recipients: list[str]) -> list[str]:
        """Deliver ``raw``; return the reply of each recipient after DATA."""
        assert (await self.command("MAIL FROM:<list-bounces@example.org>"))[:3] == "250"
        for recipient in recipients:
            assert (await self.command(f"RCPT TO:<{recipient}>"))[:3] == "250"
        assert (await self.command("DATA"))[:3] == "354"
        body = crlf(raw).replace(b"\r\n.", b"\r\n..")
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.writer.write(body + b".\r\n")
        return [await self.reply() for _ in recipients]


class Server:
    """An LMTP server (``apps.ingest.lmtp``) on the test's event loop."""

    def __init__(self, listener: asyncio.Server, handler: Handler, open_connections):
        self.listener = listener
        self.handler = handler
        self.open_connections: set[LMTPServer] = open_connections

    @classmethod
    async def start(
        cls, store, policy: Policy, *, max_size: int = 0, line_limit: int | None = None
    ) -> "Server":
        handler = Handler(store, policy)
        open_connections: set[LMTPServer] = set()

        def protocol() -> LMTPServer:
            server = LMTPServer(
                handler,
                max_size=max_size,
                connections=open_connections,
                hostname="lmtp.test",
            )
            if line_limit:
                server.line_length_limit = line_limit
            return server

        loop = asyncio.get_running_loop()
        listener = await loop.create_server(protocol, "127.0.0.1", 0)
        return cls(listener, handler, open_connections)

    @property
    def port(self) -> int:
        return self.listener.sockets[0].getsockname()[1]

    async def connect(self) -> Client:
        """A new client, greeted and past LHLO."""
        client = Client(*await asyncio.open_connection("127.0.0.1", self.port))
        assert (await client.reply()).startswith("220 lmtp.test")
        assert (await client.command("LHLO client.test"))[:3] == "250"
        return client

    def close(self) -> None:
        """Stop listening (connections still open are left to the test)."""
        self.listener.close()
