"""Who hears about recorded events: a port to the app that delivers them.

Webhooks sit above the events app (they render events as the REST API
does), so the events service reports through this port; the webhooks app
provides the implementation (``apps.ports``).
"""

from typing import TYPE_CHECKING, Protocol

from apps.ports import Port

if TYPE_CHECKING:
    from apps.events.models import Event


class EventListener(Protocol):
    def events_recorded(self, events: "list[Event]") -> None:
        """Take note of events saved in the current transaction."""


listener: Port[EventListener] = Port("a listener of recorded events")
