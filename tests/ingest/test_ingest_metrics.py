"""Ingest numbers on ``/metrics``: seconds per mail and mails by outcome.

The LMTP server, ``parsemail`` and ``parsearchive`` run as real processes sharing one
``PROMETHEUS_MULTIPROC_DIR`` with the scraping web process, as deployed.
"""

import subprocess
import sys

import pytest

from apps.ingest import metrics
from apps.ingest.delivery import deliver_mail
from tests.config.test_metrics import TOKEN, samples
from tests.ingest.test_lmtp_server import (
    LIST_ID,
    lmtp_server,
    manage,
    migrated,  # noqa: F401 (a fixture of the tests below)
    patch_mail,
    send,
    site,  # noqa: F401
)
from tests.paths import REPO


def parsemail(env: dict, raw: bytes) -> int:
    run = subprocess.run(
        [sys.executable, "-m", "apps.ingest.cli", "--list-id", LIST_ID],
        cwd=REPO,
        env=env,
        input=raw,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return run.returncode


@pytest.mark.slow
@pytest.mark.django_db
def test_lmtp_and_parsemail_mails_show_on_metrics(
    site,  # noqa: F811
    tmp_path,
    monkeypatch,
    settings,
    client,
):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    site.env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    with lmtp_server(site, "--bind", "127.0.0.1:0", "--workers", "1") as address:
        assert send(address, patch_mail("<m1@example.com>"))[0] == 250
    # The same mail again (a duplicate), then one without a From (failed).
    assert parsemail(site.env, patch_mail("<m1@example.com>")) == 0
    assert parsemail(site.env, b"Subject: [PATCH] x\nMessage-Id: <m2@x>\n\nx\n") == 1
    mbox = tmp_path / "archive.mbox"
    mbox.write_bytes(
        b"From archive@example.com Mon Jan  1 00:00:00 2024\n"
        + patch_mail("<m3@example.com>")
    )
    manage(site.env, "parsearchive", "--list-id", LIST_ID, str(mbox))

    settings.METRICS_TOKEN = TOKEN
    settings.FAILED_MAIL_DIR = site.failed
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    found = samples(
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content
    )
    count = "patchserver_ingest_duration_seconds_count"
    assert found[(count, (("way", "lmtp"),))] == 1
    assert found[(count, (("way", "parsemail"),))] == 2
    assert found[(count, (("way", "archive"),))] == 1
    mails = "patchserver_ingest_mails_total"
    assert found[(mails, (("outcome", "patch"), ("way", "lmtp")))] == 1
    assert found[(mails, (("outcome", "duplicate"), ("way", "parsemail")))] == 1
    assert found[(mails, (("outcome", "failed"), ("way", "parsemail")))] == 1
    assert found[(mails, (("outcome", "patch"), ("way", "archive")))] == 1
    assert found[("patchserver_mails_failed", ())] == 1


@pytest.mark.django_db
def test_nothing_is_recorded_without_the_folder(monkeypatch, project, tmp_path):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    metrics._metrics.cache_clear()
    project.listid = LIST_ID
    project.save()
    delivered = deliver_mail(patch_mail("<quiet@example.com>"), list_id=LIST_ID)
    assert delivered.outcome == "patch"
    # No metric was even made (so no client loaded for it, no file written).
    assert metrics._metrics.cache_info().currsize == 0
