"""The LMTP server's protocol and replies, in this process (``apps.ingest.lmtp``).

The server runs on this test's event loop and stores mail in this thread,
so the tests see its rows; ``test_lmtp_server.py`` runs the real command.
"""

import asyncio

import pytest
from django.db import connections

from apps.ingest.delivery import EX_FAILED, EX_OK, EX_TEMPFAIL, Delivered, deliver_mail
from apps.ingest.lmtp import (
    MAX_RECIPIENTS,
    ConfigurationError,
    Policy,
    as_delivered,
    printable,
)
from apps.patches.models import Patch
from tests.ingest.helpers import LIST_ID, make_mail
from tests.ingest.lmtp_conversation import Client, Server
from tests.ingest.test_parsemail import saved_mails

PATCH = "A change.\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"


@pytest.fixture(autouse=True)
def _store_from_the_loop(monkeypatch):
    # The real server stores from worker processes; here the event loop's
    # thread stores, which Django allows only when told; it does so with a
    # connection of its own (hence transactional tests: its rows must be
    # committed for the test to see them).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


async def deliver_now(raw: bytes, list_id: str | None) -> Delivered:
    try:
        return deliver_mail(raw, list_id=list_id)
    finally:
        # The connection belongs to the server's task; nothing else closes it.
        connections.close_all()


async def session(policy: Policy, *, max_size: int = 0, store=deliver_now):
    """Start a server and connect a client; return (client, server)."""
    server = await Server.start(store, policy, max_size=max_size)
    return await server.connect(), server


def run(coroutine):
    return asyncio.run(coroutine)


# --- what the administrator configures ---------------------------------------


def test_recipients_map_to_lists_and_the_reserved_domain_names_one():
    policy = Policy.from_settings(["Dev@Lists.Example.org = dev.example.org"], "accept")
    assert policy.list_id_for("dev@lists.example.org") == "dev.example.org"
    assert policy.list_id_for("DEV@LISTS.EXAMPLE.ORG") == "dev.example.org"
    assert policy.list_id_for("other@lists.example.org") is None
    assert policy.list_id_for("a.b.example@list-id.invalid") == "a.b.example"
    assert policy.list_id_for("@list-id.invalid") is None
    assert policy.list_id_for("x@list-id.invalid.example.com") is None


@pytest.mark.parametrize(
    ("items", "reply"),
    [
        (["no-equals-sign"], "accept"),
        (["=x"], "accept"),
        (["a@b="], "accept"),
        (["list-without-at=x"], "accept"),
        ([], "bounce"),
    ],
)
def test_bad_settings_are_refused(items, reply):
    with pytest.raises(ConfigurationError):
        Policy.from_settings(items, reply)


def test_replies_follow_the_exit_status_and_the_failed_reply_setting():
    accept = Policy({})
    reject = Policy({}, reject_failed=True)
    assert accept.reply(Delivered(EX_OK, "stored")) == "250 2.0.0 stored"
    assert accept.reply(Delivered(EX_FAILED, "bad From")) == (
        "250 2.0.0 not stored, kept for the administrator: bad From"
    )
    assert reject.reply(Delivered(EX_FAILED, "bad From")) == (
        "554 5.6.0 not stored: bad From"
    )
    assert reject.reply(Delivered(EX_TEMPFAIL, "db down")) == "451 4.3.0 db down"


def test_text_from_a_mail_cannot_break_the_reply():
    assert printable("stored <a\r\n250 fake@x>\u00e9") == "stored <a??250 fake@x>?"
    assert len(printable("x" * 1000)) == 300


def test_line_ends_are_those_of_a_pipe_delivery():
    assert as_delivered(b"a\r\nb\r\n\rc\n") == b"a\nb\n\rc\n"


# --- a conversation -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_each_recipient_gets_the_reply_of_its_delivery(test_project):
    raw = make_mail(PATCH, msgid="<two-rcpt@example.com>")

    async def conversation():
        client, server = await session(
            Policy({"patches@example.org": LIST_ID}, reject_failed=False)
        )
        first = await client.send(
            raw, ["patches@example.org", f"{LIST_ID}@list-id.invalid", "x@y.org"]
        )
        again = await client.send(raw, ["patches@example.org"])
        server.close()
        return first, again

    first, again = run(conversation())
    # Both recipients naming the list share one delivery; the third has no
    # List-Id header to go by.
    assert first[0].startswith("250 2.0.0 stored patch <two-rcpt@example.com>")
    assert first[1] == first[0]
    assert first[2].startswith("250 2.0.0 nothing stored")
    assert again == [
        "250 2.0.0 duplicate of an already stored mail <two-rcpt@example.com>"
    ]
    patch = Patch.objects.get()
    assert "\r" not in patch.diff
    assert patch.diff.startswith("diff --git a/x b/x\n")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("reject", "code"), [(False, "250"), (True, "554")])
def test_a_mail_that_cannot_be_stored_is_kept_and_answered_as_configured(
    test_project, settings, tmp_path, reject, code
):
    settings.FAILED_MAIL_DIR = tmp_path / "failed"
    raw = b"Subject: no sender\nMessage-Id: <nofrom@x>\n\nbody\n"

    async def conversation():
        client, server = await session(Policy({}, reject_failed=reject))
        replies = await client.send(raw, ["a@x.org", "b@x.org"])
        server.close()
        return replies

    replies = run(conversation())
    assert [reply[:3] for reply in replies] == [code, code]
    assert "Missing 'From' header" in replies[0]
    assert saved_mails(tmp_path / "failed") == [raw]


@pytest.mark.django_db(transaction=True)
def test_an_oversized_mail_is_refused_for_each_recipient(test_project):
    big = make_mail(PATCH + "+x\n" * 2000, msgid="<big@example.com>")
    small = make_mail(PATCH, msgid="<small@example.com>")

    async def conversation():
        client, server = await session(Policy({}), max_size=4096)
        refused = await client.send(big, [f"{LIST_ID}@list-id.invalid", "b@x.org"])
        stored = await client.send(small, [f"{LIST_ID}@list-id.invalid"])
        server.close()
        return refused, stored

    refused, stored = run(conversation())
    assert (
        refused == ["552 5.3.4 mail larger than 4096 bytes (INGEST_MAX_MAIL_SIZE)"] * 2
    )
    assert stored[0].startswith("250 2.0.0 stored patch <small@example.com>")
    assert list(Patch.objects.values_list("msgid", flat=True)) == [
        "<small@example.com>"
    ]


def test_a_failing_store_is_a_retry_never_a_bounce():
    async def broken(raw, list_id):
        raise RuntimeError("boom")

    async def temporary(raw, list_id):
        return Delivered(EX_TEMPFAIL, "not stored, try again later: database down")

    async def conversation(store):
        client, server = await session(Policy({}), store=store)
        handler = server.handler
        replies = await client.send(b"Subject: x\n\nbody\n", ["a@x.org"])
        server.close()
        return replies, handler.in_flight

    assert run(conversation(broken)) == (
        ["451 4.3.0 internal error, try again later"],
        0,
    )
    assert run(conversation(temporary))[0] == [
        "451 4.3.0 not stored, try again later: database down"
    ]


def test_a_stopping_server_stores_nothing_more():
    stored = []

    async def store(raw, list_id):
        stored.append(raw)
        return Delivered(EX_OK, "stored")

    async def conversation():
        client, server = await session(Policy({}), store=store)
        handler = server.handler
        handler.stopping = True
        replies = await client.send(b"Subject: x\n\nbody\n", ["a@x.org"])
        server.close()
        return replies

    assert run(conversation()) == [
        "451 4.3.2 the server is shutting down, try again later"
    ]
    assert stored == []


def test_a_client_leaving_mid_data_leaves_the_server_serving():
    stored = []

    async def store(raw, list_id):
        stored.append(raw)
        return Delivered(EX_OK, "stored")

    async def conversation():
        client, server = await session(Policy({}), store=store)
        await client.command("MAIL FROM:<a@x.org>")
        await client.command("RCPT TO:<b@x.org>")
        await client.command("DATA")
        client.writer.write(b"Subject: half\r\n\r\nthe first half")
        await client.writer.drain()
        client.writer.close()
        await asyncio.sleep(0.1)
        port = server.port
        again = Client(*await asyncio.open_connection("127.0.0.1", port))
        await again.reply()
        await again.command("LHLO client.test")
        replies = await again.send(b"Subject: whole\n\nbody\n", ["b@x.org"])
        server.close()
        return replies

    assert run(conversation()) == ["250 2.0.0 stored"]
    assert stored == [b"Subject: whole\n\nbody\n"]


def test_utf8_addresses_are_taken_and_recipients_are_bounded():
    stored = []

    async def store(raw, list_id):
        stored.append(list_id)
        return Delivered(EX_OK, "stored")

    async def conversation():
        client, server = await session(Policy({}), store=store)
        sender = await client.command("MAIL FROM:<zo\u00eb@example.org> SMTPUTF8")
        accepted = [
            await client.command(f"RCPT TO:<list{i}@list-id.invalid>")
            for i in range(MAX_RECIPIENTS + 1)
        ]
        await client.command("DATA")
        client.writer.write(b"Subject: x\r\n\r\nbody\r\n.\r\n")
        replies = [await client.reply() for _ in range(MAX_RECIPIENTS)]
        server.close()
        return sender, accepted, replies

    sender, accepted, replies = run(conversation())
    assert sender.startswith("250")
    assert accepted[:-1] == ["250 2.1.5 OK"] * MAX_RECIPIENTS
    assert accepted[-1] == "452 4.5.3 too many recipients"
    assert replies == ["250 2.0.0 stored"] * MAX_RECIPIENTS
    assert stored == [f"list{i}" for i in range(MAX_RECIPIENTS)]
