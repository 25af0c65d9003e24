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


# --- The file's structure, as the Compose specification defines it --------
# No Docker here: these checks stand in for `docker compose config`.

TOP_LEVEL = {"name", "services", "networks", "volumes", "configs", "secrets"}
SERVICE_KEYS = {
    "build",
    "command",
    "depends_on",
    "environment",
    "extra_hosts",
    "healthcheck",
    "image",
    "ports",
    "restart",
    "volumes",
}
RESTART = {"no", "always", "on-failure", "unless-stopped"}
CONDITIONS = {
    "service_started",
    "service_healthy",
    "service_completed_successfully",
}
DURATION = re.compile(r"^(\d+(ms|s|m|h))+$")
# $$ (a literal dollar) or ${NAME}, ${NAME:-default}, ${NAME:?message}.
INTERPOLATION = re.compile(r"\$\$|\$\{[A-Z_][A-Z0-9_]*(?:(?::?[-?])[^}]*)?\}")


def services() -> dict:
    return yaml.safe_load(COMPOSE)["services"]


def test_only_known_keys_are_used():
    document = yaml.safe_load(COMPOSE)
    assert set(document) - TOP_LEVEL <= {k for k in document if k.startswith("x-")}
    for name, service in services().items():
        assert set(service) <= SERVICE_KEYS, name
        assert "image" in service or "build" in service, name
        assert service.get("restart", "no") in RESTART, name


def test_every_dollar_is_a_valid_interpolation():
    assert "$" not in INTERPOLATION.sub("", COMPOSE)
    assert "$" in INTERPOLATION.sub("", "a ${broken b")


def test_dependencies_name_services_that_can_satisfy_them():
    all_services = services()
    for name, service in all_services.items():
        for needed, how in service.get("depends_on", {}).items():
            assert needed in all_services, (name, needed)
            assert how["condition"] in CONDITIONS, (name, how)
            if how["condition"] == "service_healthy":
                assert "healthcheck" in all_services[needed], (name, needed)


def test_health_checks_are_well_formed():
    checked = {n: s["healthcheck"] for n, s in services().items() if "healthcheck" in s}
    assert set(checked) == {"db", "web", "lmtp"}
    for name, check in checked.items():
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        for key in ("interval", "timeout", "start_period"):
            assert key not in check or DURATION.match(check[key]), (name, key)
    # The web server is healthy once /readyz says so (migrations applied).
    assert "/readyz" in checked["web"]["test"][-1]


def test_volumes_are_declared_and_data_is_shared():
    document = yaml.safe_load(COMPOSE)
    declared = set(document["volumes"])
    for name, service in services().items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            assert source in declared, (name, volume)
            assert target.startswith("/"), (name, volume)
    # Failed and saved mail of every process lands in one folder.
    assert services()["web"]["volumes"] == services()["lmtp"]["volumes"]


def test_the_lmtp_server_is_published_to_the_host_mta_only():
    lmtp = services()["lmtp"]
    assert lmtp["ports"] == ["127.0.0.1:2525:2525"]
    assert "--bind 0.0.0.0:2525" in lmtp["command"]


def test_every_command_names_a_real_management_command():
    from django.core.management import get_commands

    known = get_commands()
    for name, service in services().items():
        command = service.get("command", "")
        for used in re.findall(r"manage\.py (\w+)", command):
            assert used in known, (name, used)
    assert {"web", "lmtp", "worker", "cron"} <= set(services())
