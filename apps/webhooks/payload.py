"""A delivery's body: the event as the REST API renders it.

The REST API sits above this app (its webhook endpoint uses this app's
services), so it provides the rendering through a port (``apps.ports``)
from ``ApiConfig.ready()``.
"""

from typing import Protocol

from apps.ports import Port


class EventRenderer(Protocol):
    def event_body(self, event_id: int) -> bytes | None:
        """Return the event's JSON as ``/api/events/`` shows it (None: gone)."""


renderer: Port[EventRenderer] = Port("the JSON of an event for webhooks")


def event_body(event_id: int) -> bytes | None:
    return renderer().event_body(event_id)
