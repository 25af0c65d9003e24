"""What the check service reports to the project's history.

Checks sit below patches and events (a patch's representation includes its
check summary; the history records check reports), so the service calls the
implementation the events app provides at start-up (``apps.ports``).
"""

from typing import Protocol

from apps.checks.models import Check
from apps.ports import Port


class CheckHistory(Protocol):
    def record_check_created(self, *, check: Check, project_id: int) -> object: ...


history: Port[CheckHistory] = Port("the check history (apps.events)")
