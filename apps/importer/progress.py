"""Progress lines of a long import: one line per kind of row."""

import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def start(self, kind: str, total: int, done: int) -> None: ...

    def advance(self, rows: int) -> None: ...

    def finish(self) -> None: ...


class QuietProgress:
    def start(self, kind: str, total: int, done: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass

    def finish(self) -> None:
        pass


class LineProgress:
    """A line per kind: redrawn as rows arrive on a terminal, else shown at the end."""

    REDRAW_SECONDS = 0.2

    def __init__(self, stream: TextIO, *, terminal: bool | None = None) -> None:
        self.stream = stream
        self.terminal = stream.isatty() if terminal is None else terminal
        self.kind = ""
        self.total = self.done = self.run_rows = 0
        self.started = self.drawn = 0.0

    def start(self, kind: str, total: int, done: int) -> None:
        self.kind, self.total, self.done, self.run_rows = kind, total, done, 0
        self.started = time.monotonic()
        self.drawn = 0.0
        self._draw(force=True)

    def advance(self, rows: int) -> None:
        self.done += rows
        self.run_rows += rows
        self._draw()

    def finish(self) -> None:
        if self.terminal:
            self._draw(force=True)
            self.stream.write("\n")
        else:
            self.stream.write(self._line() + "\n")
        self.stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not self.terminal or (not force and now - self.drawn < self.REDRAW_SECONDS):
            return
        self.drawn = now
        self.stream.write("\r" + self._line() + "\x1b[K")
        self.stream.flush()

    def _line(self) -> str:
        seconds = max(time.monotonic() - self.started, 1e-6)
        rate = self.run_rows / seconds
        return (
            f"{self.kind:<24} {self.done:>12,} / {self.total:<12,} {rate:>9,.0f} rows/s"
        )
