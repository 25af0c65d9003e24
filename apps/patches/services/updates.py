"""Changes made to a patch by people: state, delegate, archive flag, refs."""

from enum import Enum
from typing import Final

from django.db import transaction

from apps.patches.exceptions import DelegateNotMaintainer
from apps.patches.history import history
from apps.patches.models import Patch, State
from apps.patches.rules import is_maintainer
from apps.people.models import User
from apps.stored_urls import validate_pull_url


class Unset(Enum):
    # A one-member enum: type checkers narrow ``value is UNSET`` with it.
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


@transaction.atomic
def patch_update(
    *,
    patch: Patch,
    actor: User | None,
    state: State | Unset = UNSET,
    delegate: User | Unset | None = UNSET,
    archived: bool | Unset = UNSET,
    commit_ref: str | Unset | None = UNSET,
    pull_url: str | Unset | None = UNSET,
) -> Patch:
    """Apply the given changes to ``patch`` and record the events they cause.

    Arguments left ``UNSET`` are not touched. ``actor`` (a user, or None for
    automation) is recorded on the state-changed and delegated events. A new
    delegate must maintain the patch's project (``None`` clears it); raises
    ``DelegateNotMaintainer`` otherwise, before anything is written.
    Permission to make the change is the caller's to check
    (``apps.patches.rules.can_edit_patch``). Raises ``ValidationError`` for
    a ``pull_url`` that is not a repository URL (``apps.stored_urls``).
    """
    if pull_url is not UNSET:
        validate_pull_url(pull_url)
    if delegate not in (UNSET, None) and not is_maintainer(delegate, patch.project_id):
        raise DelegateNotMaintainer(delegate, patch.project)
    changed: list[str] = []
    previous_state = patch.state
    previous_delegate = patch.delegate
    for field, related in (("state", state), ("delegate", delegate)):
        if related is UNSET:
            continue
        old_id = getattr(patch, f"{field}_id")
        if old_id == (related.pk if related is not None else None):
            continue
        setattr(patch, field, related)
        changed.append(field)
    for field, value in (
        ("archived", archived),
        ("commit_ref", commit_ref),
        ("pull_url", pull_url),
    ):
        if value is UNSET:
            continue
        if getattr(patch, field) == value:
            continue
        setattr(patch, field, value)
        changed.append(field)
    if not changed:
        return patch
    patch.save(update_fields=changed)
    if "state" in changed:
        history().record_patch_state_changed(
            patch=patch, previous=previous_state, current=patch.state, actor=actor
        )
    if "delegate" in changed:
        history().record_patch_delegated(
            patch=patch, previous=previous_delegate, current=patch.delegate, actor=actor
        )
    return patch
