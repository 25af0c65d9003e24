"""One attempt at a delivery, and what its outcome means for the hook.

A delivery that meets a network error or a 5xx answer is retried with
exponential backoff (``WEBHOOK_RETRY_DELAY``, doubling, at most an hour
apart) for ``WEBHOOK_GIVE_UP_AFTER`` seconds; other answers are final. A
hook all of whose deliveries have failed for that long is switched off and
its owner mailed.
"""

import datetime as dt
import hashlib
import hmac
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from apps.site_url import site_base_url
from apps.webhooks.models import Webhook, WebhookDelivery
from apps.webhooks.payload import event_body
from apps.webhooks.sender import SendFailed, post
from apps.webhooks.targets import TargetRefused, resolve

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
MAX_RETRY_DELAY = dt.timedelta(hours=1)


def signature(secret: str, body: bytes) -> str:
    """Return the ``X-Patchserver-Signature`` value of ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _send(delivery: WebhookDelivery, body: bytes) -> tuple[int | None, str, bool]:
    """POST the body; return (response code, error, worth retrying)."""
    hook = delivery.hook
    try:
        target = resolve(hook.url)
    except TargetRefused as error:
        return None, str(error), False
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "patchserver-webhook",
        "X-Patchserver-Event": delivery.category,
        "X-Patchserver-Delivery": str(delivery.pk),
        "X-Patchserver-Signature": signature(hook.secret, body),
    }
    try:
        reply = post(target, body, headers)
    except SendFailed as error:
        return None, str(error), True
    if 200 <= reply.status < 300:
        return reply.status, "", False
    return reply.status, f"HTTP {reply.status}", reply.status >= 500


def retry_delay(attempts: int) -> dt.timedelta:
    """Return the wait after the ``attempts``-th failed attempt (1-based)."""
    first = dt.timedelta(seconds=settings.WEBHOOK_RETRY_DELAY)
    return min(first * 2 ** min(attempts - 1, 20), MAX_RETRY_DELAY)


def delivery_attempt(delivery_id: int) -> dt.datetime | None:
    """Try a delivery once; return when to try again, or None when done."""
    delivery = (
        WebhookDelivery.objects.select_related("hook__owner")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (Status.DELIVERED, Status.FAILED):
        return None
    if not delivery.hook.active:
        _finish(delivery, Status.FAILED, "The hook is switched off.")
        return None
    if delivery.body is None:
        delivery.body = _render_once(delivery)
        if delivery.body is None:
            _finish(delivery, Status.FAILED, "The event no longer exists.")
            return None
    now = timezone.now()
    code, error, retryable = _send(delivery, bytes(delivery.body))
    delivery.attempts += 1
    delivery.last_attempt = now
    delivery.response_code = code
    if not error:
        Webhook.objects.filter(pk=delivery.hook_id).update(failing_since=None)
        _finish(delivery, Status.DELIVERED, "")
        return None
    give_up = dt.timedelta(seconds=settings.WEBHOOK_GIVE_UP_AFTER)
    if _hook_failed(delivery.hook, now, give_up):
        _finish(delivery, Status.FAILED, error)
        return None
    if not retryable or now - delivery.created >= give_up:
        _finish(delivery, Status.FAILED, error)
        return None
    retry_at = now + retry_delay(delivery.attempts)
    delivery.next_attempt = retry_at
    _finish(delivery, Status.RETRYING, error)
    return retry_at


def _render_once(delivery: WebhookDelivery) -> bytes | None:
    """Render the delivery's event and hand the body to its other waiting deliveries.

    Every hook of an event then gets the same bytes, and the event is
    rendered once rather than once per hook. A delivery whose job already
    read its row without a body renders its own, which it keeps for retries.
    """
    body = event_body(delivery.event_id)
    if body is not None:
        WebhookDelivery.objects.filter(
            event_id=delivery.event_id, status=Status.PENDING, body__isnull=True
        ).exclude(pk=delivery.pk).update(body=body)
    return body


def delivery_abandon(delivery_id: int, error: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        status=Status.FAILED, next_attempt=None, error=error[:300]
    )


def _finish(delivery: WebhookDelivery, status: str, error: str) -> None:
    delivery.status = status
    delivery.error = error[:300]
    if status != Status.RETRYING:
        delivery.next_attempt = None
    delivery.save()


def _hook_failed(hook: Webhook, now: dt.datetime, give_up: dt.timedelta) -> bool:
    """Note a failure; switch the hook off once it has failed for ``give_up``."""
    Webhook.objects.filter(pk=hook.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    since = hook.failing_since or now
    if now - since < give_up:
        return False
    # Only the run that switches it off mails the owner.
    if Webhook.objects.filter(pk=hook.pk, active=True).update(active=False):
        _mail_owner(hook, since)
    return True


def _mail_owner(hook: Webhook, since: dt.datetime) -> None:
    if not hook.owner.email:
        return
    body = render_to_string(
        "mail/webhook-disabled.txt",
        {"hook": hook, "since": since, "base_url": site_base_url()},
    )
    message = EmailMessage(
        "Your webhook was switched off after a day of failed deliveries",
        body,
        from_email=settings.NOTIFICATION_FROM_EMAIL,
        to=[hook.owner.email],
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # The hook's page says it is off; the mail is a courtesy.
        logger.exception("Could not tell %s that hook %s is off", hook.owner, hook.pk)
