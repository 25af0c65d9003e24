"""``manage.py cron``: digests, then expiry of confirmations and of accounts."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.notifications.models import PatchChangeNotification
from apps.patches.models import State
from apps.people.models import EmailConfirmation, User
from apps.people.services import confirmations_expire
from tests.factories import PatchFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def confirmation(*, days_old: int, user=None, active=True, type="registration"):
    made = EmailConfirmation.objects.create(
        type=type, email="someone@example.org", user=user, active=active
    )
    # auto_now_add ignores a given date; set it afterwards.
    EmailConfirmation.objects.filter(pk=made.pk).update(
        date=timezone.now() - dt.timedelta(days=days_old)
    )
    return made


def registered(username: str, *, logged_in: bool = False, active: bool = False):
    return UserFactory(
        username=username,
        is_active=active,
        last_login=timezone.now() if logged_in else None,
    )


def test_used_and_expired_confirmations_go_fresh_ones_stay(settings):
    settings.CONFIRMATION_VALIDITY_DAYS = 7
    fresh = confirmation(days_old=1, type="optout")
    confirmation(days_old=1, type="optout", active=False)
    confirmation(days_old=8, type="optin")
    assert confirmations_expire() == (2, 0)
    assert list(EmailConfirmation.objects.all()) == [fresh]


def test_only_accounts_that_never_completed_registration_are_removed(settings):
    settings.CONFIRMATION_VALIDITY_DAYS = 7
    lapsed = registered("lapsed")
    confirmation(days_old=8, user=lapsed)
    pending = registered("pending")
    confirmation(days_old=2, user=pending)
    # Deactivated by an admin after using the site: upstream deleted these.
    deactivated = registered("deactivated", logged_in=True)
    confirmation(days_old=8, user=deactivated)
    registered("no-link")
    project = ProjectFactory(maintainers=[lapsed])
    delegated = PatchFactory(project=project, delegate=deactivated)

    assert confirmations_expire() == (2, 1)
    assert not User.objects.filter(username="lapsed").exists()
    assert set(User.objects.values_list("username", flat=True)) >= {
        "pending",
        "deactivated",
        "no-link",
    }
    delegated.refresh_from_db()
    assert delegated.delegate_id == deactivated.pk


def test_cron_sends_digests_and_expires(settings):
    settings.CONFIRMATION_VALIDITY_DAYS = 7
    settings.NOTIFICATION_DELAY_MINUTES = 10
    project = ProjectFactory(send_notifications=True)
    patch = PatchFactory(project=project)
    PatchChangeNotification.objects.create(
        patch=patch,
        orig_state=State.objects.get(slug="under-review"),
        last_modified=timezone.now() - dt.timedelta(minutes=11),
    )
    lapsed = registered("lapsed")
    confirmation(days_old=8, user=lapsed)

    call_command("cron")

    [message] = mail.outbox
    assert message.to == [patch.submitter.email]
    assert "was:     Under Review" in message.body
    assert not User.objects.filter(username="lapsed").exists()
    assert not EmailConfirmation.objects.exists()
