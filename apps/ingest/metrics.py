"""Ingest numbers for ``/metrics``: seconds per mail and mails by outcome.

Recorded only when ``PROMETHEUS_MULTIPROC_DIR`` names a folder, as for the
web side: each process (an LMTP worker, a ``parsemail``, an archive import)
writes its values there, and a scrape of ``/metrics`` by a web worker that
shares the folder sums them. Without it nothing is written and nothing is
imported, so a cold ``parsemail`` or a test pays nothing.
"""

import os
from functools import cache
from typing import TYPE_CHECKING

from apps.ingest.results import IngestResult

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram

# Ways in (the ``way`` label).
PARSEMAIL = "parsemail"
LMTP = "lmtp"
ARCHIVE = "archive"

# Outcomes that are not an ``Outcome``: saved to the failed-mail folder, or
# left to the MTA to retry (nothing stored nor kept here).
FAILED = "failed"
RETRY = "retry"


def enabled() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


@cache
def _metrics() -> tuple["Histogram", "Counter"]:
    # Imported here: a process that records nothing loads no client.
    from prometheus_client import Counter, Histogram

    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    seconds = Histogram(
        "patchserver_ingest_duration_seconds",
        "Time to store one mail, by way in (an archive's mails share their"
        " batch's time).",
        ["way"],
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        registry=None,
    )
    mails = Counter(
        "patchserver_ingest_mails",
        "Mails handled, by way in and outcome.",
        ["way", "outcome"],
        registry=None,
    )
    return seconds, mails


def outcome_label(result: IngestResult | str) -> str:
    if isinstance(result, IngestResult):
        return result.outcome.name.lower()
    return result


def record(way: str, outcome: IngestResult | str, seconds: float) -> None:
    """Count one mail of ``way`` and its time, when metrics are recorded."""
    if not enabled():
        return
    histogram, counter = _metrics()
    histogram.labels(way).observe(seconds)
    counter.labels(way, outcome_label(outcome)).inc()
