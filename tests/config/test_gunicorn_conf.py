"""gunicorn.conf.py: the one gunicorn configuration every way of serving uses."""

import re

import pytest
from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn.config import Config

from tests.paths import REPO

CONF = REPO / "gunicorn.conf.py"


def load(monkeypatch, **environment) -> Config:
    for name in ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    app = WSGIApplication.__new__(WSGIApplication)
    app.cfg = Config()
    app.load_config_from_file(str(CONF))
    return app.cfg


def test_defaults_serve_the_site_on_loopback_with_sync_workers(monkeypatch):
    cfg = load(monkeypatch)
    assert cfg.wsgi_app == "patchserver.wsgi"
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.worker_class_str == "sync"
    assert cfg.workers >= 3
    assert cfg.accesslog == "-"
    assert cfg.control_socket_disable is True
    assert 0 < cfg.max_requests_jitter < cfg.max_requests


def test_the_environment_sets_address_workers_and_logs(monkeypatch):
    cfg = load(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:8000,unix:/run/patchserver/web.sock",
        WEB_CONCURRENCY="6",
        GUNICORN_ACCESS_LOG="",
    )
    assert cfg.bind == ["0.0.0.0:8000", "unix:/run/patchserver/web.sock"]
    assert cfg.workers == 6
    assert cfg.accesslog is None


@pytest.mark.parametrize(
    "path",
    ["Dockerfile", "docker-compose.yml", "deploy/systemd/patchserver-web.service"],
)
def test_every_documented_way_of_serving_uses_it(path):
    text = (REPO / path).read_text()
    # A command line: gunicorn, then a flag or an application.
    runs = re.findall(
        r"\bgunicorn( -\S+ [^\s\"]+| \w+\.wsgi)", text.replace('", "', " ")
    )
    assert runs, path
    # The application, workers and address come from the file, not flags.
    assert set(runs) == {" -c gunicorn.conf.py"}, runs
    assert "patchserver.wsgi" not in text
