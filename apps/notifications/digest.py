"""Patch state-change notifications: a digest mailed to each patch's submitter.

Notifications read the event log instead of hooking into every write:

1. ``notifications_collect`` folds the state-change events recorded since
   the last run into pending notifications, one per patch, with upstream's
   rules: the first change remembers the state the patch had, a change back
   to that state cancels the notification, any other change only refreshes
   its time. Only projects with ``send_notifications`` on queue anything.
   Events younger than ``COLLECT_LAG`` are left for the next run: their ids
   are handed out before their transaction commits, so a slower transaction
   may still commit a lower id, which a cursor already past it would skip.
2. ``notifications_send`` mails, per submitter address, the pending
   notifications once all of them have been quiet for
   ``NOTIFICATION_DELAY_MINUTES`` (a burst of changes gives one mail), and
   deletes them; opted-out addresses get nothing. A notification whose
   mail fails, for whatever reason, stays for the next run; the other
   digests are sent all the same.

``manage.py send_notifications`` (and ``manage.py cron``) run both.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.events.models import Event
from apps.mail_headers import header_value
from apps.notifications.models import EventCursor, PatchChangeNotification
from apps.notifications.services import opted_out_addresses
from apps.patches import links
from apps.site_url import site_base_url

logger = logging.getLogger(__name__)

COLLECT_LAG = dt.timedelta(seconds=60)
_CURSOR = "patch-state-notifications"


def notifications_skip_history() -> None:
    """Notify only of state changes recorded from now on.

    For a database that received its history in bulk (an import): the
    changes already in the event log are not news to anyone.
    """
    latest = Event.objects.order_by("-id").values_list("id", flat=True).first()
    EventCursor.objects.update_or_create(
        name=_CURSOR, defaults={"last_event_id": latest or 0}
    )


@transaction.atomic
def notifications_collect(*, now: dt.datetime | None = None) -> int:
    """Fold new state-change events into pending notifications; return how many events.

    Runs of this function queue behind each other on the cursor row, so two
    at once cannot read the same events twice.
    """
    cutoff = (now or timezone.now()) - COLLECT_LAG
    EventCursor.objects.get_or_create(name=_CURSOR)
    cursor = EventCursor.objects.select_for_update().get(name=_CURSOR)
    events = list(
        Event.objects.filter(
            category=Event.Category.PATCH_STATE_CHANGED,
            id__gt=cursor.last_event_id,
            date__lte=cutoff,
        )
        .order_by("id")
        .values_list(
            "id",
            "date",
            "patch_id",
            "previous_state_id",
            "current_state_id",
            "project__send_notifications",
        )
    )
    if not events:
        return 0
    # (patch, previous state, current state, date) of watched projects' patches.
    changes = [
        (patch_id, previous_id, current_id, date)
        for _, date, patch_id, previous_id, current_id, watched in events
        if watched and patch_id is not None
    ]
    pending = PatchChangeNotification.objects.in_bulk([c[0] for c in changes])
    for patch_id, previous_id, current_id, date in changes:
        notification = pending.get(patch_id)
        if notification is None:
            pending[patch_id] = PatchChangeNotification.objects.create(
                patch_id=patch_id, orig_state_id=previous_id, last_modified=date
            )
        elif current_id == notification.orig_state_id:
            notification.delete()
            del pending[patch_id]
        else:
            notification.last_modified = date
            notification.save(update_fields=["last_modified"])
    cursor.last_event_id = events[-1][0]
    cursor.save(update_fields=["last_event_id"])
    return len(events)


@dataclass(frozen=True)
class SendFailure:
    email: str
    error: str


def _digest(notifications: list[PatchChangeNotification]) -> EmailMessage:
    projects = sorted({n.patch.project.linkname for n in notifications})
    count = len(notifications)
    subject = (
        f"[{','.join(projects)}] Patch notification: "
        f"{count} patch{'es' if count != 1 else ''} updated"
    )
    base_url = site_base_url()
    body = render_to_string(
        "mail/patch-change-notification.txt",
        {
            "changes": [
                {
                    "patch": n.patch,
                    "url": base_url + links.patch_web_path(n.patch),
                    "was": n.orig_state,
                }
                for n in notifications
            ],
            "base_url": base_url,
        },
    )
    return EmailMessage(
        header_value(subject, fold=False),
        body,
        from_email=settings.NOTIFICATION_FROM_EMAIL,
        to=[header_value(notifications[0].patch.submitter.email, fold=False)],
        headers={"Precedence": "bulk"},
    )


def notifications_send(*, now: dt.datetime | None = None) -> list[SendFailure]:
    """Mail each submitter's quiet pending notifications; return the failures."""
    cutoff = (now or timezone.now()) - dt.timedelta(
        minutes=settings.NOTIFICATION_DELAY_MINUTES
    )
    pending = (
        PatchChangeNotification.objects.select_related(
            "patch__submitter", "patch__project", "patch__state", "orig_state"
        )
        .defer("patch__diff", "patch__content", "patch__headers")
        .order_by("patch__submitter_id", "patch__project__linkname", "patch_id")
    )
    groups = [
        list(group) for _, group in groupby(pending, key=lambda n: n.patch.submitter_id)
    ]
    # One fresh change holds back the whole group: changes come in bursts.
    groups = [g for g in groups if all(n.last_modified <= cutoff for n in g)]
    opted_out = opted_out_addresses(g[0].patch.submitter.email for g in groups)
    failures = []
    for group in groups:
        try:
            failure = _send_group(group, opted_out)
        except Exception as error:
            # Any failure (a bug, an address the mail library chokes on)
            # concerns this digest only: its transaction is rolled back, so
            # it stays queued for the next run, and the others still go out.
            email = group[0].patch.submitter.email
            logger.exception("Notification digest to %r failed", email)
            failure = SendFailure(email, f"{type(error).__name__}: {error}")
        if failure is not None:
            failures.append(failure)
    return failures


@transaction.atomic
def _send_group(
    group: list[PatchChangeNotification], opted_out: set[str]
) -> SendFailure | None:
    """Mail one submitter's digest and forget its notifications.

    The notifications are locked first, and skipped if another run holds
    them or has already sent them: two runs at once (a slow mail server
    under cron) send each digest once.
    """
    ids = [n.patch_id for n in group]
    locked = PatchChangeNotification.objects.select_for_update(skip_locked=True)
    if len(locked.filter(patch_id__in=ids).values_list("patch_id")) != len(ids):
        return None
    email = group[0].patch.submitter.email.strip()
    wanted = [n for n in group if n.patch.project.send_notifications]
    if not wanted or email.lower() in opted_out:
        _forget(group)
        return None
    if email in ("", "<>"):
        _forget(group)
        return SendFailure(email, "Invalid recipient")
    try:
        _digest(wanted).send()
    except (smtplib.SMTPException, OSError) as error:
        # Kept for the next run; a refused connection stops nothing else.
        return SendFailure(email, str(error) or type(error).__name__)
    _forget(group)
    return None


def _forget(notifications: list[PatchChangeNotification]) -> None:
    PatchChangeNotification.objects.filter(
        patch_id__in=[n.patch_id for n in notifications]
    ).delete()
