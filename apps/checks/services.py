"""Writes to checks."""

from typing import Protocol

from django.db import transaction
from django.utils import timezone

from apps.checks.history import history
from apps.checks.models import Check
from apps.people.models import User
from apps.stored_urls import validate_check_target_url


class CheckedPatch(Protocol):
    """What a check needs of its patch (checks sit below patches)."""

    pk: int
    project_id: int


@transaction.atomic
def check_create(
    *,
    patch: CheckedPatch,
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
        patch_id=patch.pk,
        user=user,
        state=state,
        context=context,
        target_url=target_url,
        description=description,
        date=timezone.now(),
    )
    history().record_check_created(check=check, project_id=patch.project_id)
    return check
