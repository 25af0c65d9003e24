"""Producing the next item in a thread while the caller works on this one."""

import queue
import threading
from collections.abc import Iterator
from typing import Any

_POLL_SECONDS = 0.1


def prefetched[T](items: Iterator[T]) -> Iterator[T]:
    """Yield ``items``, computing the next one while the caller handles the last.

    For the import: reading and converting the next page of source rows
    overlaps with writing this one (the database drivers release the
    interpreter lock while they wait). One item is produced ahead, no more.
    An exception of the producer is raised in the caller.
    """
    channel: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                channel.put(message, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the caller
            put(("error", exc))

    thread = threading.Thread(target=produce, name="import-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = channel.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()
