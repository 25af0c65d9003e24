"""Read replicas: anonymous reads go to one, everything else to the primary.

The test settings name a replica, ``replica1``, that mirrors the test
database; these tests turn the router on and see which connection ran the
queries of a request.
"""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.projects.models import Project
from patchserver.database import databases
from patchserver.replicas import ReplicaRouter, _replica
from tests.factories import PatchFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica1"], transaction=True)


@pytest.fixture(autouse=True)
def _router(settings):
    settings.DATABASE_ROUTERS = ["patchserver.replicas.ReplicaRouter"]


def queries_on(alias: str):
    return CaptureQueriesContext(connections[alias])


def test_an_anonymous_page_is_read_from_the_replica(client, project):
    PatchFactory(project=project)
    with queries_on("default") as primary, queries_on("replica1") as replica:
        response = client.get(reverse("patch-list", args=[project.linkname]))
    assert response.status_code == 200
    assert len(replica) > 0
    assert len(primary) == 0


def test_an_anonymous_api_read_is_read_from_the_replica(client, project):
    PatchFactory(project=project)
    with queries_on("default") as primary, queries_on("replica1") as replica:
        response = client.get("/api/patches/")
    assert response.status_code == 200
    assert len(response.json()) == 1
    assert len(replica) > 0
    assert len(primary) == 0


def test_a_signed_in_user_reads_from_the_primary(client, project, user):
    client.force_login(user)
    with queries_on("default") as primary, queries_on("replica1") as replica:
        response = client.get(reverse("patch-list", args=[project.linkname]))
    assert response.status_code == 200
    assert len(primary) > 0
    assert len(replica) == 0


def test_credentials_and_writes_use_the_primary(client, project):
    with queries_on("replica1") as replica:
        client.get("/api/patches/", HTTP_AUTHORIZATION="Token nonsense")
        client.post(reverse("auth_login"), {"username": "x", "password": "y"})
    assert len(replica) == 0


def test_reads_after_a_write_in_the_same_request_stay_on_the_primary():
    router = ReplicaRouter()
    token = _replica.set("replica1")
    try:
        assert router.db_for_read(Project) == "replica1"
        with transaction.atomic():
            # Inside a transaction on the primary, reads see its writes.
            assert router.db_for_read(Project) == "default"
        assert router.db_for_write(Project) == "default"
        assert router.db_for_read(Project) == "default"
    finally:
        _replica.reset(token)


def test_outside_a_request_everything_uses_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Project) == "default"
    assert router.allow_migrate("replica1", "patches") is False
    assert router.allow_migrate("default", "patches") is True
    assert router.allow_relation(Project(), Project()) is True


def test_replica_urls_become_database_aliases(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS",
        "postgres://ro@replica-a.example.org/patches, "
        "postgres://ro@replica-b.example.org/patches",
    )
    result = databases(tmp_path)
    assert list(result) == ["default", "replica1", "replica2"]
    assert result["replica2"]["HOST"] == "replica-b.example.org"
    assert result["replica1"]["CONN_HEALTH_CHECKS"] is True
