"""Connections to the Patchwork database being imported.

Upstream runs on PostgreSQL or on MySQL/MariaDB; both are read through
their own driver (psycopg, PyMySQL) with plain SQL, in autocommit mode: each
keyset page is its own short query, so a long import holds no transaction
open on the source.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import psycopg

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
MYSQL_SCHEMES = {"mysql", "mariadb"}


class SourceUnavailable(Exception):
    """The source database URL is wrong, or the server cannot be reached or read."""


@dataclass
class SourceDatabase:
    vendor: str  # "postgresql" or "mysql"
    connection: Any
    label: str  # the URL without its password, for messages
    errors: tuple[type[Exception], ...]  # the driver's error classes

    def quote(self, name: str) -> str:
        """Quote an identifier (``order`` is a column name upstream)."""
        if self.vendor == "mysql":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, tuple(params))
                return [tuple(row) for row in cursor.fetchall()]
        except self.errors as exc:
            raise SourceUnavailable(f"cannot read {self.label}: {exc}") from exc

    def table_exists(self, name: str) -> bool:
        if self.vendor == "mysql":
            sql = (
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND table_name = %s"
            )
        else:
            sql = (
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = %s"
            )
        return bool(self.fetch(sql, [name])[0][0])

    def close(self) -> None:
        self.connection.close()


def redact(url: str) -> str:
    """Return ``url`` without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def connect(url: str, *, time_zone: str) -> SourceDatabase:
    """Open the source database of ``url``.

    ``time_zone`` is the source instance's ``TIME_ZONE`` setting. Upstream
    runs with ``USE_TZ = False``, so on PostgreSQL its naive UTC times were
    stored as if they were local times of that zone; reading them in the
    same zone gives the naive UTC values back. MySQL stores them as given.
    """
    scheme = urlsplit(url).scheme.lower()
    label = redact(url)
    if scheme in POSTGRES_SCHEMES:
        errors: tuple[type[Exception], ...] = (psycopg.Error,)
        opener = _connect_postgres
    elif scheme in MYSQL_SCHEMES:
        errors = (_pymysql().Error,)
        opener = _connect_mysql
    else:
        raise SourceUnavailable(
            f"unsupported source URL {label!r}: use postgres://... or mysql://..."
        )
    failures: tuple[type[Exception], ...] = (OSError, *errors)
    try:
        connection = opener(url, time_zone)
    except failures as exc:
        raise SourceUnavailable(f"cannot connect to {label}: {exc}") from exc
    vendor = "mysql" if scheme in MYSQL_SCHEMES else "postgresql"
    return SourceDatabase(vendor, connection, label, errors)


def _pymysql() -> Any:
    try:
        import pymysql
    except ImportError:
        raise SourceUnavailable(
            "reading MySQL or MariaDB needs PyMySQL: pip install -e '.[mysql]'"
        ) from None
    return pymysql


def _connect_postgres(url: str, time_zone: str) -> Any:
    if url.lower().startswith("pgsql://"):
        url = "postgresql://" + url[len("pgsql://") :]
    connection = psycopg.connect(url, autocommit=True, connect_timeout=30)
    connection.execute("SELECT set_config('TimeZone', %s, false)", [time_zone])
    return connection


def _connect_mysql(url: str, time_zone: str) -> Any:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    options: dict[str, Any] = {
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.lstrip("/")),
        "charset": "utf8mb4",
        "autocommit": True,
        "connect_timeout": 30,
    }
    if "unix_socket" in query:
        options["unix_socket"] = query["unix_socket"][0]
    else:
        options["host"] = parts.hostname or "localhost"
        options["port"] = parts.port or 3306
    return _pymysql().connect(**options)
