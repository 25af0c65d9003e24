"""The database settings are fast by default and safe behind a pooler.

A web worker keeps its connection between requests (checked before reuse);
``DATABASE_POOLER=transaction`` gives each request its own connection to
the pooler and uses nothing that lives on one server connection.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from patchserver.database import parse

POSTGRES = "postgres://pw:secret@db.example.org:5432/patches"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("CONN_MAX_AGE", "DATABASE_POOLER", "DATABASE_PREPARED_STATEMENTS"):
        monkeypatch.delenv(name, raising=False)


def test_postgresql_keeps_checked_connections_with_prepared_statements():
    config = parse(POSTGRES)
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert not config.get("DISABLE_SERVER_SIDE_CURSORS")


def test_sqlite_keeps_checked_connections_too(tmp_path):
    config = parse(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_transaction_pooler_turns_off_what_lives_on_a_server_connection(
    monkeypatch,
):
    monkeypatch.setenv("DATABASE_POOLER", "transaction")
    config = parse(POSTGRES)
    assert config["CONN_MAX_AGE"] == 0
    assert config["CONN_HEALTH_CHECKS"] is True
    assert not config.get("OPTIONS")
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_explicit_settings_win_over_the_defaults(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "0")
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    config = parse(POSTGRES)
    assert config["CONN_MAX_AGE"] == 0
    assert not config.get("OPTIONS")
    # PgBouncer 1.21+ tracks prepared statements: they may be turned back on.
    monkeypatch.setenv("DATABASE_POOLER", "transaction")
    monkeypatch.setenv("CONN_MAX_AGE", "60")
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "1")
    config = parse(POSTGRES)
    assert config["CONN_MAX_AGE"] == 60
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_an_unknown_pooler_mode_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_POOLER", "session-ish")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER"):
        parse(POSTGRES)
