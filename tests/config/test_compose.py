"""docker-compose.yml: safe as shipped.

The web server trusts X-Forwarded-Proto, so it is published on loopback only
(for a TLS proxy on the host); secrets have no defaults, so a forgotten one
stops ``docker compose up`` with a message instead of running with a
password everyone knows.
"""

import re

import yaml

from tests.paths import REPO

COMPOSE = (REPO / "docker-compose.yml").read_text()


def test_the_web_server_is_published_on_loopback_only():
    services = yaml.safe_load(COMPOSE)["services"]
    published = {name: service.get("ports", []) for name, service in services.items()}
    assert published["web"] == ["127.0.0.1:8000:8000"]
    assert all(
        str(port).startswith("127.0.0.1:")
        for ports in published.values()
        for port in ports
    )
    assert services["web"]["environment"]["SECURE_PROXY_SSL_HEADER"] == "1"
    assert services["web"]["environment"]["NUM_PROXIES"] == "1"


def test_secrets_and_hosts_are_required_without_defaults():
    for name in ("POSTGRES_PASSWORD", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS"):
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", COMPOSE)
        assert uses, name
        assert all(use == f":?set {name}" for use in uses), (name, uses)


def test_a_worker_runs_the_background_jobs_on_the_same_database():
    services = yaml.safe_load(COMPOSE)["services"]
    worker = services["worker"]
    assert worker["command"] == "python manage.py worker"
    assert (
        worker["environment"]["DATABASE_URL"]
        == services["web"]["environment"]["DATABASE_URL"]
    )
