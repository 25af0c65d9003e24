"""``/metrics``: Prometheus text for monitoring, off unless ``METRICS_TOKEN`` is set.

A scrape must send ``Authorization: Bearer <METRICS_TOKEN>``; anything else
gets a 404, as when the endpoint is off. Like the health checks it is
answered by the first middleware (a scraper speaks plain HTTP with a host
name of its own), and deploy/nginx keeps it from the outside anyway.

Two kinds of numbers, so that several gunicorn workers (and several hosts)
add up:

* request latency, measured in each worker process. gunicorn.conf.py gives
  the workers a shared folder (``PROMETHEUS_MULTIPROC_DIR``) where
  prometheus_client's multiprocess mode keeps every worker's values; a
  scrape, answered by any worker, sums them all.
* mail and queue numbers, read from the database at scrape time: mails
  stored (the highest id of each kind of row, so they only grow, whichever
  process or host stored them), replies waiting for their parent, queued
  background jobs; and the mails in this host's failed-mail folder.
"""

import hmac
import os
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db.models import Max
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from apps.ingest.models import PendingMail
from apps.job_queue import uses_database_queue
from apps.patches.models import Cover, CoverComment, Patch, PatchComment
from patchserver.health import PATHS as HEALTH_PATHS

PATH = "/metrics"

REQUEST_SECONDS = Histogram(
    "patchserver_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and status class.",
    ["method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _stored() -> Metric:
    family = CounterMetricFamily(
        "patchserver_mails_stored",
        "Mails stored (the highest row id of each kind).",
        labels=["kind"],
    )
    for kind, model in (
        ("patch", Patch),
        ("cover", Cover),
        ("patch_comment", PatchComment),
        ("cover_comment", CoverComment),
    ):
        top = model.objects.aggregate(top=Max("id"))["top"] or 0
        family.add_metric([kind], top)
    return family


def _queued_jobs() -> int | None:
    if not uses_database_queue():
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def _failed_mails() -> int:
    folder = settings.FAILED_MAIL_DIR
    return sum(
        len(os.listdir(folder / sub))
        for sub in ("new", "cur")
        if (folder / sub).is_dir()
    )


class DatabaseCollector:
    """The numbers a scrape reads from the database and the failed-mail folder."""

    def collect(self) -> Iterator[Metric]:
        yield _stored()
        yield GaugeMetricFamily(
            "patchserver_mails_pending",
            "Replies kept until the mail they answer is stored.",
            value=PendingMail.objects.count(),
        )
        yield GaugeMetricFamily(
            "patchserver_mails_failed",
            "Mails in this host's failed-mail folder.",
            value=_failed_mails(),
        )
        queued = _queued_jobs()
        if queued is not None:
            yield GaugeMetricFamily(
                "patchserver_jobs_queued",
                "Background jobs waiting for a worker.",
                value=queued,
            )


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)
    else:
        workers = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(workers) + generate_latest(database)


def _authorized(request) -> bool:
    sent = request.META.get("HTTP_AUTHORIZATION", "")
    expected = f"Bearer {settings.METRICS_TOKEN}"
    return hmac.compare_digest(sent.encode(), expected.encode())


def metrics_endpoint(get_response):
    """Serve /metrics and time every other request; unused without a token."""
    if not settings.METRICS_TOKEN:
        raise MiddlewareNotUsed

    def middleware(request):
        if request.path_info == PATH:
            if request.method != "GET" or not _authorized(request):
                return HttpResponseNotFound()
            return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
        if request.path_info in HEALTH_PATHS:
            # Probes every few seconds would swamp the latencies of pages.
            return get_response(request)
        started = time.perf_counter()
        response = get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response

    return middleware
