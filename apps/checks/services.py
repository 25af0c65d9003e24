"""Writes to checks."""

from django.db import transaction
from django.utils import timezone

from apps.checks.models import Check
from apps.events.services import record_check_created
from apps.patches.models import Patch
from apps.people.models import User
from apps.stored_urls import validate_check_target_url


@transaction.atomic
def check_create(
    *,
    patch: Patch,
    user: User,
    state: int,
    context: str = "default",
    target_url: str | None = None,
    description: str | None = None,
) -> Check:
    """Store a check result reported by ``user`` and record a check-created event.

    Permission to report is the caller's to verify
    (``apps.patches.rules.can_create_check``). Raises ``ValidationError``
    for a ``target_url`` that is not a web URL (``apps.stored_urls``).
    """
    validate_check_target_url(target_url)
    check = Check.objects.create(
        patch=patch,
        user=user,
        state=state,
        context=context,
        target_url=target_url,
        description=description,
        date=timezone.now(),
    )
    record_check_created(check=check)
    return check
