"""Deliveries to a real HTTP receiver on loopback (allowed by the test's settings)."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.events.services import record_patch_created, record_series_created
from apps.people.models import Person
from apps.webhooks import delivery as delivery_module
from apps.webhooks.models import Webhook, WebhookDelivery
from apps.webhooks.services import webhook_create
from tests.factories import PatchFactory, ProjectFactory, SeriesFactory, UserFactory
from tests.ingest.helpers import deliver, make_mail
from tests.webhooks.conftest import DATABASE_QUEUE, unused_port
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

Status = WebhookDelivery.Status
DIFF = """A change.

---
diff --git a/f.c b/f.c
--- a/f.c
+++ b/f.c
@@ -1 +1 @@
-a
+b
"""


def hook_for(project, url: str, *, events=("patch-created",), secret="s3cret"):  # noqa: S107
    owner = UserFactory()
    project.maintainers.add(owner)
    return webhook_create(
        owner=owner, project=project, url=url, secret=secret, events=events
    )


def test_an_event_is_posted_signed_as_the_events_api_shows_it(
    receiver, loopback_allowed, client
):
    project = ProjectFactory()
    hook = hook_for(project, receiver.url + "hooks/pw?x=1")
    with transaction.atomic():
        record_patch_created(patch=PatchFactory(project=project))
        # Not subscribed: nothing is sent for it.
        record_series_created(series=SeriesFactory(project=project))
        assert receiver.requests == []  # sent once committed, not before

    [request] = receiver.requests
    assert request.path == "/hooks/pw?x=1"
    assert request.headers["X-Patchserver-Event"] == "patch-created"
    assert request.headers["Content-Type"] == "application/json"
    digest = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Patchserver-Signature"] == f"sha256={digest}"
    listed = client.get("/api/events/?category=patch-created").json()
    assert json.loads(request.body) == listed[0]
    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (
        Status.DELIVERED,
        200,
        1,
    )


def test_an_event_is_rendered_once_for_all_its_hooks(
    receiver, loopback_allowed, monkeypatch
):
    rendered = []
    render = delivery_module.event_body

    def counting(event_id):
        rendered.append(event_id)
        return render(event_id)

    monkeypatch.setattr(delivery_module, "event_body", counting)
    project = ProjectFactory()
    hooks = [hook_for(project, receiver.url + f"hook{n}") for n in range(3)]
    event = record_patch_created(patch=PatchFactory(project=project))

    assert rendered == [event.pk]
    bodies = {request.body for request in receiver.requests}
    assert len(receiver.requests) == 3
    assert len(bodies) == 1
    stored = {bytes(hook.deliveries.get().body) for hook in hooks}
    assert stored == bodies


def test_a_rolled_back_change_sends_nothing(receiver, loopback_allowed):
    project = ProjectFactory()
    hook_for(project, receiver.url)
    patch = PatchFactory(project=project)

    def change_then_fail():
        with transaction.atomic():
            record_patch_created(patch=patch)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_mail_ingest_triggers_project_and_personal_hooks(receiver, loopback_allowed):
    project = ProjectFactory(listid="hooks.example.com")
    hook_for(project, receiver.url + "project", events=["patch-created"])
    author = UserFactory(email="author@example.com")
    webhook_create(
        owner=author,
        project=None,
        url=receiver.url + "mine",
        secret="x",
        events=["patch-created", "series-created"],
    )
    # Another user's personal hook hears nothing of this author's patch.
    webhook_create(
        owner=UserFactory(),
        project=None,
        url=receiver.url + "other",
        secret="x",
        events=["patch-created"],
    )
    Person.objects.create(email="author@example.com", user=author)
    result = deliver(
        make_mail(DIFF, sender="A <author@example.com>"), list_id="hooks.example.com"
    )
    assert result.obj is not None, result.reason
    received = sorted(
        (r.path, r.headers["X-Patchserver-Event"]) for r in receiver.requests
    )
    assert received == [
        ("/mine", "patch-created"),
        ("/mine", "series-created"),
        ("/project", "patch-created"),
    ]


def test_a_delivery_is_retried_once_the_receiver_is_back(settings, loopback_allowed):
    settings.TASKS = DATABASE_QUEUE
    port = unused_port()
    project = ProjectFactory()
    hook = hook_for(project, f"http://127.0.0.1:{port}/")
    record_patch_created(patch=PatchFactory(project=project))

    call_command("worker", "--batch", verbosity=0)  # nobody listens yet

    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        Status.RETRYING,
        1,
        None,
    )
    assert "refused" in delivery.error.lower()
    [retry] = DBTaskResult.objects.filter(status="READY")
    # The first retry comes within a minute.
    assert dt.timedelta(0) < retry.run_after - delivery.last_attempt
    assert retry.run_after - delivery.last_attempt <= dt.timedelta(minutes=1)
    hook.refresh_from_db()
    assert hook.failing_since == delivery.last_attempt

    back = Receiver(port=port).start()
    try:
        call_command("worker", "--batch", verbosity=0)
        assert back.requests == []  # not due yet
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        call_command("worker", "--batch", verbosity=0)
    finally:
        back.stop()

    [request] = back.requests
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        Status.DELIVERED,
        2,
        200,
    )
    assert json.loads(request.body)["category"] == "patch-created"
    hook.refresh_from_db()
    assert hook.failing_since is None


def test_answers_other_than_5xx_are_not_retried(settings, receiver, loopback_allowed):
    settings.TASKS = DATABASE_QUEUE
    receiver.status = 302
    receiver.location = "http://127.0.0.1:1/elsewhere"
    project = ProjectFactory()
    hook = hook_for(project, receiver.url)
    record_patch_created(patch=PatchFactory(project=project))
    call_command("worker", "--batch", verbosity=0)

    # The redirect is not followed, and not retried.
    assert len(receiver.requests) == 1
    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.response_code) == (Status.FAILED, 302)
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_hook_failing_for_a_day_is_switched_off_and_its_owner_told(
    receiver, loopback_allowed
):
    receiver.status = 500
    project = ProjectFactory()
    hook = hook_for(project, receiver.url)
    record_patch_created(patch=PatchFactory(project=project))
    hook.refresh_from_db()
    assert hook.active
    assert hook.failing_since is not None
    assert mail.outbox == []

    # A day later, still failing.
    Webhook.objects.filter(pk=hook.pk).update(
        failing_since=timezone.now() - dt.timedelta(days=1, seconds=1)
    )
    record_patch_created(patch=PatchFactory(project=project))

    hook.refresh_from_db()
    assert not hook.active
    [message] = mail.outbox
    assert message.to == [hook.owner.email]
    assert receiver.url in message.body
    assert f"/webhook/{hook.pk}/" in message.body
    assert hook.deliveries.latest("id").status == Status.FAILED
    # Switched off: later events are not sent.
    record_patch_created(patch=PatchFactory(project=project))
    assert len(receiver.requests) == 2


def test_no_delivery_to_a_private_address_by_default(receiver, monkeypatch, settings):
    """A public-looking name that resolves to loopback is refused when sending."""
    import socket

    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "hooks.example.org":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    project = ProjectFactory()
    hook = hook_for(project, f"http://hooks.example.org:{receiver.port}/")
    record_patch_created(patch=PatchFactory(project=project))

    assert receiver.requests == []
    delivery = hook.deliveries.get()
    assert delivery.status == Status.FAILED
    assert "127.0.0.1, which is not a public address" in delivery.error

    # Allowed by the administrator: sent to the checked address, by name.
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    record_patch_created(patch=PatchFactory(project=project))
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example.org:{receiver.port}"


@pytest.fixture
def dripping_server():
    """A server that answers a byte every 0.2 s: a whole answer takes 4 s."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                for byte in answer:
                    if stop.is_set():
                        break
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(4 / len(answer))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_timeout(
    settings, loopback_allowed, dripping_server
):
    settings.WEBHOOK_TIMEOUT = 1
    project = ProjectFactory()
    hook = hook_for(project, f"http://127.0.0.1:{dripping_server}/")
    record_patch_created(patch=PatchFactory(project=project))

    delivery = hook.deliveries.get()
    # Every byte came within the per-read timeout; the whole answer did not.
    assert delivery.response_code is None
    assert delivery.status != Status.DELIVERED
    assert delivery.error
