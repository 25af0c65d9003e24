"""deploy/ and .env.example: checked by the tools that read them, where installed.

systemd units go through ``systemd-analyze verify`` and the nginx server
block through ``nginx -t`` (CI installs nginx); without the tool those
tests skip. The MTA snippets and the example environment are checked
against what the servers they point at really use.
"""

import configparser
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.paths import REPO

DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
CHECKOUT = "/srv/patchserver"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def read_unit(path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_each_service_runs_from_the_checkout_as_its_own_user():
    services = [p for p in UNITS if p.suffix == ".service"]
    assert {p.stem for p in services} == {
        "patchserver-web",
        "patchserver-lmtp",
        "patchserver-worker",
        "patchserver-cron",
    }
    for path in services:
        service = read_unit(path)["Service"]
        assert service["User"] == "patchserver", path.name
        assert service["WorkingDirectory"] == CHECKOUT, path.name
        assert service["EnvironmentFile"] == "/etc/patchserver/env", path.name
        assert service["ExecStart"].startswith(f"{CHECKOUT}/.venv/bin/"), path.name
        assert service["ProtectSystem"] == "strict", path.name
    lmtp = read_unit(DEPLOY / "systemd" / "patchserver-lmtp.service")["Service"]
    # The server stops its workers when their mails are stored; systemd
    # signalling every process at once would cut those mails short.
    assert lmtp["KillMode"] == "mixed"
    web = read_unit(DEPLOY / "systemd" / "patchserver-web.service")["Service"]
    assert web["ExecStart"].endswith("gunicorn -c gunicorn.conf.py")
    timer = read_unit(DEPLOY / "systemd" / "patchserver-cron.timer")
    assert timer["Timer"]["OnCalendar"] == "*:0/10"


def test_every_command_of_the_units_is_a_management_command():
    from django.core.management import get_commands

    for path in UNITS:
        for used in re.findall(r"manage\.py (\w+)", path.read_text()):
            assert used in get_commands(), (path.name, used)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # The checkout is this repository (its .venv holds the executables).
    for path in UNITS:
        text = path.read_text().replace(CHECKOUT, str(REPO))
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"SYSTEMD_LOG_LEVEL": "info"},
    )
    # Unknown keys and bad values are only warned about: none may be.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


@pytest.mark.skipif(not NGINX, reason="no nginx")
@pytest.mark.skipif(not shutil.which("openssl"), reason="no openssl")
def test_nginx_accepts_the_server_block(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=patches.example.org",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "patchserver.conf").read_text()
    live = "/etc/letsencrypt/live/patches.example.org/"
    assert f"{live}fullchain.pem" in site
    site = site.replace(f"{live}fullchain.pem", str(cert))
    site = site.replace(f"{live}privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_passes_the_headers_the_site_trusts():
    site = (DEPLOY / "nginx" / "patchserver.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header Host $host;" in site
    assert "server 127.0.0.1:8000;" in site
    assert "location = /metrics {\n        deny all;" in site


def test_the_mta_snippets_deliver_where_the_lmtp_server_listens():
    unit = read_unit(DEPLOY / "systemd" / "patchserver-lmtp.service")
    assert "--bind 127.0.0.1:2525" in unit["Service"]["ExecStart"]
    transport = (DEPLOY / "postfix" / "patchserver-transport").read_text()
    assert re.search(
        r"^patches\.example\.org\s+lmtp:inet:127\.0\.0\.1:2525$", transport, re.M
    )
    main_cf = (DEPLOY / "postfix" / "main.cf").read_text()
    assert "transport_maps = hash:/etc/postfix/patchserver-transport" in main_cf
    exim = (DEPLOY / "exim" / "patchserver.conf").read_text()
    for line in ("protocol = lmtp", "hosts = 127.0.0.1", "port = 2525"):
        assert f"  {line}\n" in exim


def example_environment() -> dict[str, str]:
    lines = (REPO / ".env.example").read_text().splitlines()
    return dict(
        line.split("=", 1) for line in lines if line and not line.startswith("#")
    )


def interpolate(value: str, variables: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        name, default = match[1], match[3] if match[2] == ":-" else ""
        return variables.get(name) or default

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, value)


def test_the_example_environment_names_everything_compose_requires():
    compose = (REPO / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", compose))
    assert required <= set(example_environment())


def test_check_deploy_is_clean_in_the_compose_web_service(tmp_path):
    """The web container's environment, filled from .env.example."""
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    variables = example_environment()
    environment = {
        name: interpolate(str(value), variables)
        for name, value in compose["services"]["web"]["environment"].items()
    }
    environment["PATCHSERVER_DATA_DIR"] = str(tmp_path)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "DEBUG", "SECURE_", "DATABASE_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean | environment | {"DJANGO_SETTINGS_MODULE": "patchserver.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout
