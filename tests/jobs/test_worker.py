"""Background jobs through the database queue and ``manage.py worker``."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.notifications.models import PatchChangeNotification
from apps.patches.models import State
from tests.factories import PatchFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def quiet_change(settings):
    settings.NOTIFICATION_DELAY_MINUTES = 10
    patch = PatchFactory(project=ProjectFactory(send_notifications=True))
    PatchChangeNotification.objects.create(
        patch=patch,
        orig_state=State.objects.get(slug="under-review"),
        last_modified=timezone.now() - dt.timedelta(minutes=11),
    )
    return patch


def test_cron_queues_the_digest_and_the_worker_mails_it(settings):
    settings.TASKS = DATABASE_QUEUE
    patch = quiet_change(settings)

    call_command("cron")

    # Queued, not sent: cron does not wait for the mail server.
    assert mail.outbox == []
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "apps.notifications.tasks.send_digests"
    assert job.status == "READY"

    call_command("worker", "--batch", verbosity=0)

    [message] = mail.outbox
    assert message.to == [patch.submitter.email]
    assert "was:     Under Review" in message.body
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    assert not PatchChangeNotification.objects.exists()


def test_a_failed_mail_is_the_job_result_and_stays_queued(settings, monkeypatch):
    from django.core.mail import EmailMessage

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    settings.TASKS = DATABASE_QUEUE
    patch = quiet_change(settings)
    monkeypatch.setattr(EmailMessage, "send", refuse)

    call_command("cron")
    call_command("worker", "--batch", verbosity=0)

    job = DBTaskResult.objects.get()
    assert job.status == "SUCCESSFUL"
    assert job.return_value == [
        f"{patch.submitter.email}: [Errno 111] Connection refused"
    ]
    assert PatchChangeNotification.objects.count() == 1


def test_the_immediate_queue_needs_no_worker():
    with pytest.raises(CommandError, match="needs no worker"):
        call_command("worker", "--batch")


def test_cron_forgets_old_finished_jobs_and_deliveries(settings):
    from apps.events.models import Event
    from apps.webhooks.models import Webhook, WebhookDelivery
    from tests.factories import UserFactory

    settings.TASKS = DATABASE_QUEUE
    call_command("cron")
    call_command("worker", "--batch", verbosity=0)
    old = timezone.now() - dt.timedelta(days=8)
    DBTaskResult.objects.update(finished_at=old, enqueued_at=old)
    project = ProjectFactory()
    hook = Webhook.objects.create(
        owner=UserFactory(), project=project, url="https://h.example.org/"
    )
    event = Event.objects.create(project=project, category="patch-created")

    def delivery(status, days):
        made = WebhookDelivery.objects.create(hook=hook, event=event, status=status)
        WebhookDelivery.objects.filter(pk=made.pk).update(
            created=timezone.now() - dt.timedelta(days=days)
        )
        return made.pk

    kept = {
        delivery("delivered", 29),
        delivery("failed", 1),
        delivery("retrying", 40),  # still being tried
    }
    delivery("delivered", 31)
    delivery("failed", 31)

    call_command("cron")

    # The week-old job is gone; the one this run queued waits.
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == kept
