"""Upstream source databases for the import tests, on PostgreSQL and MariaDB.

Each source is a database of its own (``ps_imp_src_<pid>_<release>``) on the
machine's PostgreSQL and MariaDB servers, built with upstream's schema of a
release and filled with ``tests.importer.sample``. A server that cannot be
reached skips its tests, unless ``PATCHSERVER_REQUIRE_IMPORT_SOURCES=1``
(CI) makes that a failure.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.importer import sample, upstream

PG_SERVER = os.environ.get(
    "PATCHSERVER_TEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432"
)
MARIADB_SERVER = os.environ.get(
    "PATCHSERVER_TEST_MARIADB_SERVER", "mysql://root@127.0.0.1:3306"
)
# Upstream's default TIME_ZONE: its naive UTC times are stored in this zone.
SOURCE_TIME_ZONE = "Australia/Canberra"


@dataclass
class Source:
    vendor: str
    release: str
    url: str


def _unreachable(what: str, exc: Exception) -> None:
    message = f"{what} not reachable: {exc}"
    if os.environ.get("PATCHSERVER_REQUIRE_IMPORT_SOURCES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _with_path(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


class PostgresServer:
    vendor = "postgresql"

    def create(self, name: str) -> str:
        with psycopg.connect(
            _with_path(PG_SERVER, "postgres"), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return _with_path(PG_SERVER, name)

    def drop(self, name: str) -> None:
        with psycopg.connect(
            _with_path(PG_SERVER, "postgres"), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def connect(self, url: str) -> Any:
        conn = psycopg.connect(url, autocommit=True)
        # Upstream runs with USE_TZ = False: Django hands PostgreSQL naive
        # times in a session set to TIME_ZONE.
        conn.execute("SELECT set_config('TimeZone', %s, false)", [SOURCE_TIME_ZONE])
        return conn

    @staticmethod
    def quote(name: str) -> str:
        return f'"{name}"'


class MariaDBServer:
    vendor = "mysql"

    def _admin(self) -> Any:
        import pymysql

        parts = urlsplit(MARIADB_SERVER)
        return pymysql.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            autocommit=True,
            charset="utf8mb4",
        )

    def create(self, name: str) -> str:
        with self._admin() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        return _with_path(MARIADB_SERVER, name)

    def drop(self, name: str) -> None:
        with self._admin() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def connect(self, url: str) -> Any:
        import pymysql

        parts = urlsplit(url)
        return pymysql.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            database=parts.path.lstrip("/"),
            autocommit=True,
            charset="utf8mb4",
        )

    @staticmethod
    def quote(name: str) -> str:
        return f"`{name}`"


SERVERS = {"postgresql": PostgresServer(), "mysql": MariaDBServer()}


def execute(server: Any, conn: Any, sql: str, rows: list[tuple] | None = None) -> None:
    cursor = conn.cursor()
    try:
        if rows is None:
            cursor.execute(sql)
        else:
            cursor.executemany(sql, rows)
    finally:
        cursor.close()


def fill(server: Any, url: str, release: str) -> None:
    """Create ``release``'s tables in the database of ``url`` and fill them."""
    conn = server.connect(url)
    try:
        for statement in upstream.ddl(release, server.vendor, server.quote):
            execute(server, conn, statement)
        migrations = upstream.MIGRATIONS[release]
        insert_rows(
            server,
            conn,
            "django_migrations",
            [
                {"app": app, "name": name, "applied": sample.T0}
                for app, name in migrations
            ],
        )
        for table, rows in sample.source_rows(release, upstream.columns).items():
            insert_rows(server, conn, table, rows)
    finally:
        conn.close()


def insert_rows(server: Any, conn: Any, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    names = list(rows[0])
    columns = ", ".join(server.quote(name) for name in names)
    marks = ", ".join(["%s"] * len(names))
    execute(
        server,
        conn,
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
        [tuple(row[name] for name in names) for row in rows],
    )


def make_source(vendor: str, release: str, suffix: str = "") -> Iterator[Source]:
    server = SERVERS[vendor]
    name = f"ps_imp_src_{os.getpid()}_{vendor[:2]}_{release.replace('.', '')}{suffix}"
    try:
        url = server.create(name)
    except Exception as exc:
        _unreachable(f"{vendor} server", exc)
    try:
        fill(server, url, release)
        yield Source(vendor, release, url)
    finally:
        server.drop(name)


@pytest.fixture(
    scope="module",
    params=[
        ("postgresql", "2.2"),
        ("postgresql", "main"),
        ("mysql", "2.2"),
        ("mysql", "main"),
    ],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def upstream_source(request) -> Iterator[Source]:
    yield from make_source(*request.param)


@pytest.fixture(scope="module")
def pg_main_source() -> Iterator[Source]:
    yield from make_source("postgresql", "main", "_one")


@pytest.fixture
def scratch_source() -> Iterator[Source]:
    """A source of its own, for tests that change it."""
    yield from make_source("postgresql", "main", "_scratch")


def run_sql(source: Source, sql: str) -> None:
    server = SERVERS[source.vendor]
    conn = server.connect(source.url)
    try:
        execute(server, conn, sql)
    finally:
        conn.close()
