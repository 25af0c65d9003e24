"""From recorded events to queued deliveries (the events app's listener)."""

from functools import partial

from django.db import transaction

from apps.events.models import Event
from apps.webhooks.services import deliveries_queue


def events_recorded(events: list[Event]) -> None:
    """Queue the deliveries of ``events`` once their transaction commits.

    After the commit, so that a rolled-back change sends nothing and the
    worker finds the event when the job runs.
    """
    rows = [(e.pk, e.project_id, e.category) for e in events]
    transaction.on_commit(partial(deliveries_queue, rows), robust=True)
