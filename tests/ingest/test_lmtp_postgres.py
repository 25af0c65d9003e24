"""The LMTP server while PostgreSQL goes away and comes back.

The server's workers keep their connections open between mails; when the
database stops taking connections they answer 451 (the MTA keeps the mail),
and once it is back they reconnect and store the mail, once.
"""

import smtplib

import pytest
from django.db import connection

from apps.patches.models import Patch
from tests.ingest.helpers import LIST_ID
from tests.ingest.test_lmtp_server import patch_mail
from tests.ingest.test_parallel_delivery import delivery_env, lmtp_server

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def send(address: str, raw: bytes) -> tuple[int, str]:
    host, _, port = address.rpartition(":")
    client = smtplib.LMTP(host, int(port), timeout=120)
    try:
        client.ehlo()
        client.mail("list-bounces@example.org")
        client.rcpt(f"{LIST_ID}@list-id.invalid")
        code, text = client.data(raw.replace(b"\n", b"\r\n"))
    finally:
        client.quit()
    return code, text.decode()


def set_connections(database: str, *, allowed: bool) -> None:
    """Let the database take connections or not (ending those of the others)."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",  # a database cannot close itself to connections
        autocommit=True,
    ) as admin:
        admin.execute(
            f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'
        )
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> %s",
                [database, connection.connection.info.backend_pid],
            )


def test_a_mail_while_the_database_is_down_is_stored_once_when_sent_again(
    test_project, tmp_path
):
    database = connection.settings_dict["NAME"]
    connection.ensure_connection()  # this test's connection stays open
    raw = patch_mail("<while-down@example.com>")
    with lmtp_server(delivery_env(tmp_path)) as env:  # on this test's database
        address = env["PATCHSERVER_LMTP_SERVER"]
        warm = send(address, patch_mail("<before@example.com>"))
        set_connections(database, allowed=False)
        try:
            refused = send(address, raw)
        finally:
            set_connections(database, allowed=True)
        stored = send(address, raw)
        again = send(address, raw)
    assert warm[0] == 250, warm
    assert refused[0] == 451, refused
    assert "database unavailable" in refused[1]
    assert stored[0] == 250, stored
    assert stored[1].startswith("2.0.0 stored patch <while-down@example.com>")
    assert again[1].startswith("2.0.0 duplicate")
    assert Patch.objects.filter(msgid="<while-down@example.com>").count() == 1
    assert not (tmp_path / "failed").exists()
