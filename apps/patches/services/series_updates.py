"""Changes made to all patches of a series at once (state, delegate, archived)."""

import logging
from collections.abc import Iterable

from django.db import transaction

from apps.patches.exceptions import SeriesUpdateForbidden, VersionLinkForbidden
from apps.patches.models import Patch, Series, State
from apps.patches.rules import can_edit_patch, can_link_versions
from apps.patches.series_state import SUPERSEDED
from apps.patches.services.updates import UNSET, Unset, patch_update
from apps.patches.services.versions import series_set_previous_version
from apps.people.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def series_update(
    *,
    series: Series,
    actor: User,
    state: State | Unset = UNSET,
    delegate: User | Unset | None = UNSET,
    archived: bool | Unset = UNSET,
) -> list[Patch]:
    """Apply the changes to every patch of ``series``; all of them or none.

    Each patch is checked with the patch rule (``can_edit_patch``): when
    ``actor`` may not change one of them, ``SeriesUpdateForbidden`` names
    them and nothing is written. Each change records the events
    ``patch_update`` records; a delegate who does not maintain the project
    raises ``DelegateNotMaintainer`` before any write.
    """
    patches = list(
        Patch.objects.filter(series=series)
        .select_related("project", "state", "delegate", "submitter")
        .defer("diff", "content", "headers")
        .order_by("number", "id")
    )
    forbidden = [patch.pk for patch in patches if not can_edit_patch(actor, patch)]
    if forbidden:
        raise SeriesUpdateForbidden(forbidden)
    for patch in patches:
        patch_update(
            patch=patch, actor=actor, state=state, delegate=delegate, archived=archived
        )
    return patches


@transaction.atomic
def series_change(
    *,
    series: Series,
    actor: User,
    previous_version: Series | Unset | None = UNSET,
    state: State | Unset = UNSET,
    delegate: User | Unset | None = UNSET,
    archived: bool | Unset = UNSET,
) -> None:
    """Change a series' version link and its patches in one transaction.

    A version link needs ``can_link_versions`` (else ``VersionLinkForbidden``);
    the patch changes follow ``series_update``. Nothing is written unless
    everything is allowed and valid.
    """
    if previous_version is not UNSET:
        if not can_link_versions(actor, series):
            raise VersionLinkForbidden
        series_set_previous_version(series=series, previous=previous_version)
    if (state, delegate, archived) != (UNSET, UNSET, UNSET):
        series_update(
            series=series,
            actor=actor,
            state=state,
            delegate=delegate,
            archived=archived,
        )


def series_supersede(*, series_ids: Iterable[int]) -> int:
    """Move the patches of these (older) series that need action to Superseded.

    What a project's ``supersede_old_versions`` asks for when a newer
    version arrives. Patches in a state needing no action (accepted,
    rejected ...) keep it. Each change is a state change by nobody (no
    actor), with its event, as ``patch_update`` records it. Returns how
    many patches moved; none when no state has the slug ``superseded``.
    """
    target = State.objects.filter(slug=SUPERSEDED).first()
    if target is None:
        logger.warning("No state %r: older versions left as they are", SUPERSEDED)
        return 0
    patches = (
        Patch.objects.filter(series_id__in=list(series_ids))
        .filter(state__action_required=True)
        .exclude(state=target)
        .select_related("project", "state", "delegate")
        .defer("diff", "content", "headers")
        .order_by("id")
    )
    moved = 0
    for patch in patches:
        patch_update(patch=patch, actor=None, state=target)
        moved += 1
    return moved


def series_supersede_if_newer(*, series: Series) -> int:
    """Supersede ``series``'s patches if a newer version names it already.

    For patches arriving after their series' newer version (any order).
    """
    if not Series.objects.filter(previous_version_id=series.pk).exists():
        return 0
    return series_supersede(series_ids=[series.pk])
