"""Patch state-change digests (notifications-accounts.md §2): queue and send."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.utils import timezone

from apps.events.models import Event
from apps.notifications.digest import (
    notifications_collect,
    notifications_send,
    notifications_skip_history,
)
from apps.notifications.models import EmailOptout, EventCursor, PatchChangeNotification
from apps.patches.models import State
from apps.patches.services.updates import patch_update
from tests.factories import PatchFactory, PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_BASE_URL = "https://patches.example.org"
    settings.NOTIFICATION_DELAY_MINUTES = 10
    settings.NOTIFICATION_FROM_EMAIL = "Patchwork <notify@example.org>"


@pytest.fixture
def state():
    return {s.slug: s for s in State.objects.all()}


@pytest.fixture
def watched(maintainer):
    return ProjectFactory(
        linkname="watched", name="Watched Project", send_notifications=True
    )


@pytest.fixture
def sam():
    return PersonFactory(name="Sam", email="sam@example.org")


def change(patch, state, *, actor=None):
    patch_update(patch=patch, actor=actor, state=state)


def run(after: dt.timedelta) -> list:
    """Collect and send as a cron run ``after`` from now would."""
    now = timezone.now() + after
    notifications_collect(now=now)
    return notifications_send(now=now)


def test_a_state_change_is_mailed_to_the_submitter_once_quiet(watched, sam, state):
    patch = PatchFactory(
        project=watched, submitter=sam, name="[PATCH] fix <b>bold</b> & co"
    )
    change(patch, state["accepted"])

    assert run(5 * MINUTE) == []
    assert mail.outbox == []  # queued, not yet quiet for 10 minutes
    assert PatchChangeNotification.objects.get().orig_state == state["new"]

    assert run(11 * MINUTE) == []
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.from_email == "Patchwork <notify@example.org>"
    assert message.extra_headers["Precedence"] == "bulk"
    assert message.subject == "[watched] Patch notification: 1 patch updated"
    body = message.body
    assert "watched: [PATCH] fix <b>bold</b> & co" in body  # plain text, unescaped
    assert (
        f"https://patches.example.org/project/watched/patch/{patch.msgid[1:-1]}/"
        in body
    )
    assert "project: Watched Project" in body
    assert "was:     New" in body
    assert "now:     Accepted" in body
    assert "https://patches.example.org/mail/" in body
    assert not PatchChangeNotification.objects.exists()


def test_events_younger_than_the_lag_are_left_for_the_next_run(watched, sam, state):
    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    assert notifications_collect(now=timezone.now() + dt.timedelta(seconds=10)) == 0
    assert not PatchChangeNotification.objects.exists()
    assert notifications_collect(now=timezone.now() + 2 * MINUTE) == 1
    assert PatchChangeNotification.objects.count() == 1


def test_each_event_is_read_once(watched, sam, state):
    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    later = timezone.now() + 2 * MINUTE
    assert notifications_collect(now=later) == 1
    queued = PatchChangeNotification.objects.get()
    queued.delete()
    assert notifications_collect(now=later + MINUTE) == 0
    assert not PatchChangeNotification.objects.exists()


def test_changing_back_to_the_original_state_cancels(watched, sam, state):
    patch = PatchFactory(project=watched, submitter=sam)
    change(patch, state["accepted"])
    change(patch, state["new"])
    run(20 * MINUTE)
    assert mail.outbox == []
    assert not PatchChangeNotification.objects.exists()


def test_a_later_change_keeps_the_original_state(watched, sam, state):
    patch = PatchFactory(project=watched, submitter=sam)
    change(patch, state["under-review"])
    change(patch, state["accepted"])
    run(20 * MINUTE)
    [message] = mail.outbox
    assert "was:     New" in message.body
    assert "now:     Accepted" in message.body


def test_nothing_is_queued_for_projects_without_notifications(sam, state):
    quiet = ProjectFactory(send_notifications=False)
    change(PatchFactory(project=quiet, submitter=sam), state["accepted"])
    run(20 * MINUTE)
    assert mail.outbox == []
    assert not PatchChangeNotification.objects.exists()


def test_other_changes_queue_nothing(watched, sam, maintainer):
    patch = PatchFactory(project=watched, submitter=sam)
    patch_update(patch=patch, actor=None, archived=True, commit_ref="abc123")
    run(20 * MINUTE)
    assert not PatchChangeNotification.objects.exists()


def test_one_digest_per_submitter_held_back_by_a_fresh_change(watched, sam, state):
    other = ProjectFactory(linkname="another", send_notifications=True)
    first = PatchFactory(project=watched, submitter=sam)
    second = PatchFactory(project=other, submitter=sam)
    someone = PatchFactory(project=watched)
    change(first, state["accepted"])
    change(someone, state["rejected"])
    notifications_collect(now=timezone.now() + 2 * MINUTE)
    # Sam's second patch changes 9 minutes later: Sam's digest waits for it.
    PatchChangeNotification.objects.update(last_modified=timezone.now() - 9 * MINUTE)
    change(second, state["rejected"])
    assert run(2 * MINUTE) == []
    assert [m.to for m in mail.outbox] == [[someone.submitter.email]]
    assert run(11 * MINUTE) == []
    sams = mail.outbox[1]
    assert sams.to == ["sam@example.org"]
    assert sams.subject == "[another,watched] Patch notification: 2 patches updated"
    assert first.name in sams.body
    assert second.name in sams.body


def test_opted_out_addresses_get_nothing(watched, state):
    loud = PersonFactory(email="Loud@Example.org")
    EmailOptout.objects.create(email=" LOUD@example.ORG ")
    change(PatchFactory(project=watched, submitter=loud), state["accepted"])
    assert run(20 * MINUTE) == []
    assert mail.outbox == []
    assert not PatchChangeNotification.objects.exists()


def test_an_invalid_recipient_is_reported_and_dropped(watched, state):
    nobody = PersonFactory(email="<>")
    change(PatchFactory(project=watched, submitter=nobody), state["accepted"])
    [failure] = run(20 * MINUTE)
    assert (failure.email, failure.error) == ("<>", "Invalid recipient")
    assert not PatchChangeNotification.objects.exists()


def test_a_failed_mail_is_reported_and_kept_for_the_next_run(
    watched, sam, state, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    now = timezone.now() + 20 * MINUTE
    notifications_collect(now=now)
    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        [failure] = notifications_send(now=now)
    assert failure.email == "sam@example.org"
    assert "Connection refused" in failure.error
    assert PatchChangeNotification.objects.count() == 1
    assert notifications_send(now=now) == []
    assert len(mail.outbox) == 1
    assert not PatchChangeNotification.objects.exists()


def test_a_digest_that_breaks_stops_no_other_and_is_retried(watched, state, caplog):
    # The mail library fails on this address with an AttributeError, not an
    # SMTP error; it comes first in the run (ordered by submitter).
    broken = PersonFactory(email="sam@[1.2.3.4")
    sam = PersonFactory(name="Sam", email="sam@example.org")
    change(PatchFactory(project=watched, submitter=broken), state["accepted"])
    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    assert broken.pk < sam.pk
    [failure] = run(20 * MINUTE)
    assert failure.email == "sam@[1.2.3.4"
    assert failure.error.startswith("AttributeError: ")
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == ["Notification digest to 'sam@[1.2.3.4' failed"]
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    # Kept, and tried again by the next run (which fails again, alone).
    assert PatchChangeNotification.objects.get().patch.submitter == broken
    [again] = run(20 * MINUTE)
    assert again.email == "sam@[1.2.3.4"
    assert len(mail.outbox) == 1


def test_the_command_reports_failures_as_upstream(watched, sam, state, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    notifications_collect(now=timezone.now() + 2 * MINUTE)
    PatchChangeNotification.objects.update(last_modified=timezone.now() - 11 * MINUTE)
    monkeypatch.setattr(EmailMessage, "send", refuse)
    err = io.StringIO()
    call_command("send_notifications", stderr=err)
    assert err.getvalue() == (
        "Failed sending to sam@example.org: [Errno 111] Connection refused\n"
    )
    assert PatchChangeNotification.objects.count() == 1


def test_line_breaks_in_stored_values_stay_out_of_the_mail_headers(state):
    # Rows imported from an old instance are not validated as forms would
    # be: a folded link name must not make a header Django refuses to send.
    folded = ProjectFactory(linkname="fold\n ed", send_notifications=True)
    sam = PersonFactory(email="sam@example.org")
    change(PatchFactory(project=folded, submitter=sam), state["accepted"])
    assert run(20 * MINUTE) == []
    [message] = mail.outbox
    assert message.subject == "[fold ed] Patch notification: 1 patch updated"
    assert message.to == ["sam@example.org"]


def test_a_folded_recipient_never_becomes_a_header_of_its_own(watched, state):
    folded = PersonFactory(email="sam@example.org\n Bcc: x@example.org")
    change(PatchFactory(project=watched, submitter=folded), state["accepted"])
    assert run(20 * MINUTE) == []
    [message] = mail.outbox
    # One (unusable) address on one line: a mail server refuses it whole.
    assert message.to == ["sam@example.org Bcc: x@example.org"]
    assert message.message()["Bcc"] is None


def test_skipping_history_starts_at_the_latest_event(watched, sam, state):
    cursor = EventCursor.objects.filter(name="patch-state-notifications")
    Event.objects.all().delete()
    EventCursor.objects.all().delete()  # a database that never collected
    notifications_skip_history()
    assert cursor.get().last_event_id == 0
    old = PatchFactory(project=watched, submitter=sam, name="old news")
    change(old, state["accepted"])
    change(old, state["rejected"])
    assert Event.objects.count() == 2
    notifications_skip_history()
    assert cursor.get().last_event_id == Event.objects.latest("id").id
    new = PatchFactory(project=watched, submitter=sam, name="fresh news")
    change(new, state["rejected"])
    assert run(20 * MINUTE) == []
    [message] = mail.outbox
    assert message.subject == "[watched] Patch notification: 1 patch updated"
    assert "fresh news" in message.body
    assert "old news" not in message.body


def test_an_upgraded_instance_is_not_notified_of_its_history(watched, sam, state):
    """The migration adding notifications starts reading at the latest event."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "apps.notifications.migrations.0004_start_cursor_at_latest_event"
    )
    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    migration.start_at_latest_event(apps, None)
    assert run(20 * MINUTE) == []
    assert mail.outbox == []
    change(PatchFactory(project=watched, submitter=sam), state["rejected"])
    run(20 * MINUTE)
    assert len(mail.outbox) == 1


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_digest_another_run_is_sending_is_not_sent_twice(watched, sam, state):
    """Two overlapping cron runs: the second skips what the first holds."""
    import threading

    from django.db import connection, transaction

    patch = PatchFactory(project=watched, submitter=sam)
    PatchChangeNotification.objects.create(
        patch=patch,
        orig_state=state["new"],
        last_modified=timezone.now() - 20 * MINUTE,
    )
    holding, release = threading.Event(), threading.Event()

    def other_run():
        with transaction.atomic():
            list(PatchChangeNotification.objects.select_for_update())
            holding.set()
            release.wait(10)
        connection.close()

    other = threading.Thread(target=other_run)
    other.start()
    assert holding.wait(10)
    try:
        assert notifications_send() == []
        assert mail.outbox == []
        assert PatchChangeNotification.objects.count() == 1
    finally:
        release.set()
        other.join()
    assert notifications_send() == []
    assert len(mail.outbox) == 1
    assert not PatchChangeNotification.objects.exists()


def test_a_digest_another_run_already_sent_is_not_sent_again(
    watched, sam, state, monkeypatch
):
    """Two overlapping cron runs: the other one sent and deleted what this one read.

    This run reads the pending notifications, then (while it looks up
    opt-outs) a whole other run sends the digest and deletes them. Its lock
    then finds none of the rows it read and must skip the digest; counting
    the rows still there instead of the ones it read would send it twice.
    """
    from apps.notifications import digest

    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    change(PatchFactory(project=watched, submitter=sam), state["rejected"])
    now = timezone.now() + 20 * MINUTE
    notifications_collect(now=now)
    real_opted_out = digest.opted_out_addresses
    other_runs = []

    def other_run_first(addresses):
        addresses = list(addresses)
        if not other_runs:
            other_runs.append("running")
            other_runs[0] = notifications_send(now=now)
        return real_opted_out(addresses)

    monkeypatch.setattr(digest, "opted_out_addresses", other_run_first)
    assert notifications_send(now=now) == []
    assert other_runs == [[]]
    [message] = mail.outbox
    assert message.subject == "[watched] Patch notification: 2 patches updated"
    assert not PatchChangeNotification.objects.exists()


@pytest.mark.parametrize(
    ("force_https", "hosts", "base"),
    [
        (
            True,
            ["*", ".example.org", "", "patches.example.org"],
            "https://patches.example.org",
        ),
        (
            False,
            ["patches.example.org", "other.example.org"],
            "http://patches.example.org",
        ),
        (False, ["*", ".example.org"], "http://localhost"),
    ],
)
def test_links_without_a_site_url_use_the_first_real_allowed_host(
    watched, sam, state, settings, force_https, hosts, base
):
    settings.SITE_BASE_URL = ""
    settings.FORCE_HTTPS_LINKS = force_https
    settings.ALLOWED_HOSTS = hosts
    patch = PatchFactory(project=watched, submitter=sam)
    change(patch, state["accepted"])
    run(20 * MINUTE)
    [message] = mail.outbox
    assert f"\n     {base}/project/watched/patch/{patch.msgid[1:-1]}/\n" in message.body
    assert f"Patchwork site {base}/\n" in message.body
    assert f"\n  {base}/mail/\n" in message.body


def test_a_change_exactly_as_old_as_the_delay_is_sent(watched, sam, state):
    change(PatchFactory(project=watched, submitter=sam), state["accepted"])
    now = timezone.now() + 2 * MINUTE
    notifications_collect(now=now)
    notification = PatchChangeNotification.objects.get()
    assert notifications_send(now=notification.last_modified + 10 * MINUTE) == []
    assert len(mail.outbox) == 1


def test_each_submitter_gets_one_digest_of_their_own_patches_in_order(
    watched, sam, state
):
    """Patches of two submitters interleaved by id: one mail each, sorted."""
    bob = PersonFactory(name="Bob", email="bob@example.org")
    zeta = ProjectFactory(linkname="zeta", send_notifications=True)
    sams = [
        PatchFactory(project=zeta, submitter=sam, name="sam zeta"),
        PatchFactory(project=watched, submitter=sam, name="sam watched 1"),
    ]
    bobs = PatchFactory(project=watched, submitter=bob, name="bob's")
    sams.append(PatchFactory(project=watched, submitter=sam, name="sam watched 2"))
    for patch in [*sams, bobs]:
        change(patch, state["accepted"])
    assert run(20 * MINUTE) == []
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["bob@example.org", "sam@example.org"]
    body = by_address["sam@example.org"].body
    names = ["watched: sam watched 1", "watched: sam watched 2", "zeta: sam zeta"]
    assert [body.index(name) for name in names] == sorted(
        body.index(name) for name in names
    )
    assert "bob's" not in body
    assert "now:     Accepted" in body


# Two digests: the pending notifications with all the digests show, then per
# submitter a transaction (savepoint, lock, delete, release).
SEND_QUERIES = 10


def test_sending_runs_a_fixed_number_of_queries_without_patch_bodies(watched, state):
    """Digests for many patches: the pending list is one query, bodies unread."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [PersonFactory(), PersonFactory()]
    for n in range(6):
        change(
            PatchFactory(project=watched, submitter=people[n % 2]), state["accepted"]
        )
    notifications_collect(now=timezone.now() + 2 * MINUTE)
    with CaptureQueriesContext(connection) as small:
        notifications_send(now=timezone.now() + 20 * MINUTE)
    for n in range(12):
        change(
            PatchFactory(project=watched, submitter=people[n % 2]), state["rejected"]
        )
    notifications_collect(now=timezone.now() + 4 * MINUTE)
    with CaptureQueriesContext(connection) as large:
        notifications_send(now=timezone.now() + 30 * MINUTE)
    assert len(mail.outbox) == 4
    assert len(large) == len(small) == SEND_QUERIES
    reads = [q["sql"] for q in large if "patches_patch" in q["sql"]]
    assert reads
    for column in ("diff", "content", "headers"):
        assert not any(f'"patches_patch"."{column}"' in sql for sql in reads)
