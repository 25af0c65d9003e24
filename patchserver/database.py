"""The DATABASES setting, read from the environment.

Fast by default: a web worker keeps its database connection from one
request to the next (``CONN_MAX_AGE``, ten minutes unless set), checked
before it is reused, so a request pays neither a new connection nor the
loss of the statements PostgreSQL prepared on it. Behind a pooler in
transaction mode (``DATABASE_POOLER=transaction``, e.g. PgBouncer's
``pool_mode = transaction``) the pooler keeps the server connections and a
client's next transaction may run on another one: each request then opens
and closes its connection to the pooler, and nothing that lives on a
server connection (prepared statements, server-side cursors) is used.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from patchserver.env import env_bool, env_int, env_list, env_str

# Seconds a web worker keeps an idle database connection. Long enough to
# span any quiet spell of a busy site, short enough that workers of a site
# nobody visits give their server connections back.
DEFAULT_CONN_MAX_AGE = 600
POOLERS = ("", "transaction")


def pooler() -> str:
    name = env_str("DATABASE_POOLER").strip().lower()
    if name not in POOLERS:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER must be empty or 'transaction', got {name!r}"
        )
    return name


def _private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only, unless it exists.

    SQLite creates a new database with the process's umask (usually
    world-readable) and gives its -wal and -shm files the database file's
    mode; it holds password hashes, tokens and sessions.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _sqlite_options(config: dict[str, Any]) -> None:
    name = str(config["NAME"])
    if name and name != ":memory:" and not name.startswith("file:"):
        _private_file(Path(name))
    # WAL lets readers run beside the single writer; IMMEDIATE takes the
    # write lock at BEGIN so concurrent deliveries queue on the busy
    # timeout instead of failing with "database is locked" mid-way.
    config["OPTIONS"] = {
        "timeout": env_int("SQLITE_TIMEOUT", 30),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


def _postgresql_options(config: dict[str, Any], behind_pooler: bool) -> None:
    if behind_pooler:
        # A named cursor lives on one server connection, which the pooler
        # may hand to another client between two transactions.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    if env_bool("DATABASE_PREPARED_STATEMENTS", not behind_pooler):
        # Pages run the same few queries with new values; planning them
        # (joins of up to a dozen tables) cost more than running them. With
        # server-side binding psycopg prepares a statement once it has run
        # twice on a connection, and later runs skip the planner. Off behind
        # a pooler in transaction mode (PgBouncer < 1.21 does not track
        # them), where a prepared statement may be missing from the next
        # server connection.
        config["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}


def parse(url: str) -> dict[str, Any]:
    """Return the settings of the database at ``url``, as this module describes."""
    behind_pooler = pooler() == "transaction"
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=env_int(
                "CONN_MAX_AGE", 0 if behind_pooler else DEFAULT_CONN_MAX_AGE
            ),
            # A connection kept from an earlier request is tried before it is
            # used (after a database restart or failover it is dead).
            conn_health_checks=True,
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        _sqlite_options(config)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        _postgresql_options(config, behind_pooler)
    return config


def databases(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Return DATABASES (by default an SQLite file in ``data_dir``).

    ``DATABASE_REPLICA_URLS`` (comma-separated) adds read replicas as
    ``replica1``, ``replica2``...: see ``patchserver/replicas.py``.
    """
    url = env_str("DATABASE_URL") or f"sqlite:///{data_dir / 'patchserver.sqlite3'}"
    result = {"default": parse(url)}
    for number, replica in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
        result[f"replica{number}"] = parse(replica)
    return result
