"""/healthz and /readyz: what a load balancer or container probe is told.

The probes speak plain HTTP with whatever Host the probing side uses, so the
HTTPS redirect and host validation stay out of their way.
"""

import pytest
from django.db import OperationalError, connections
from django.db.migrations.recorder import MigrationRecorder

PROBE = {"HTTP_HOST": "10.0.0.7:8000"}


@pytest.fixture
def production_like(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["patches.example.org"]


def test_healthz_answers_over_plain_http_from_any_host(client, production_like):
    response = client.get("/healthz", **PROBE)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    # Everything else is still redirected to HTTPS / refused for that host.
    assert client.get("/", HTTP_HOST="patches.example.org").status_code == 301
    assert client.get("/healthz/", **PROBE).status_code == 400


@pytest.mark.django_db
def test_readyz_is_ready_on_a_migrated_database(client, production_like):
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 200
    assert response.content == b"ready\n"
    assert client.head("/readyz", **PROBE).status_code == 200


@pytest.mark.django_db
def test_readyz_answers_503_while_a_migration_is_not_applied(client):
    applied = MigrationRecorder.Migration.objects.filter(app="patches")
    newest = applied.order_by("-name").first()
    newest.delete()
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 503
    assert response.content == b"1 migrations not applied\n"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 503
    assert response.content == b"database unreachable\n"
    # The process itself is still up.
    assert client.get("/healthz", **PROBE).status_code == 200


def test_only_get_and_head_are_answered(client):
    response = client.post("/healthz", **PROBE)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
