"""/metrics: off unless METRICS_TOKEN is set, then only for that bearer token.

The middleware is built when the handler loads its middleware, so each test
sets the token first; the test client's handler is made per client.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import PatchFactory
from tests.paths import REPO

TOKEN = "scrape-token-0123456789"


def samples(body: bytes) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


@pytest.fixture
def enabled(settings, tmp_path):
    settings.METRICS_TOKEN = TOKEN
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    return settings


@pytest.mark.django_db
def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_a_scrape_needs_the_token(enabled, client):
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 404
    right = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert right.status_code == 200
    assert right["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_mail_queue_and_request_numbers(enabled, client, project):
    patches = PatchFactory.create_batch(3, project=project)
    (enabled.FAILED_MAIL_DIR / "new").mkdir(parents=True)
    (enabled.FAILED_MAIL_DIR / "new" / "1.mail").write_bytes(b"x")
    assert client.get("/api/patches/").status_code == 200
    found = samples(
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content
    )
    stored = ("patchserver_mails_stored_total", (("kind", "patch"),))
    assert found[stored] == max(p.pk for p in patches)
    assert found[("patchserver_mails_pending", ())] == 0
    assert found[("patchserver_mails_failed", ())] == 1
    # The immediate backend of the tests has no queue.
    assert ("patchserver_jobs_queued", ()) not in found
    enabled.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    found = samples(
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content
    )
    assert found[("patchserver_jobs_queued", ())] == 0
    count = (
        "patchserver_http_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx")),
    )
    assert found[count] >= 1


@pytest.mark.slow
def test_gunicorn_workers_add_up(tmp_path):
    """Two workers, requests spread over them: one scrape counts them all."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DEBUG"))
    } | {
        "DJANGO_SECRET_KEY": "metrics-test-secret-key-0123456789abcdefghijklmnopqr",
        "DEBUG": "1",
        "METRICS_TOKEN": TOKEN,
        "PATCHSERVER_DATA_DIR": str(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for _ in range(20):
            urllib.request.urlopen(f"{base}/", timeout=30)
        scrape = urllib.request.Request(
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        body = urllib.request.urlopen(scrape, timeout=30).read()
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = samples(body)
    count = (
        "patchserver_http_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx")),
    )
    # The pages, whichever worker served them; health probes are not timed.
    assert found[count] == 20
