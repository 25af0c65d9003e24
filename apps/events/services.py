"""Record events: one function per upstream event category.

Services call these inside their own transaction, so an event exists exactly
when the change it describes was committed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from apps.checks.models import Check
from apps.events.listeners import listener
from apps.events.models import Event
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchRelation,
    Series,
    State,
)
from apps.people.models import User

Category = Event.Category

# Events recorded inside ``events_batched()``, not yet inserted.
_pending: ContextVar[list[Event] | None] = ContextVar("pending_events", default=None)


@contextmanager
def events_batched() -> Iterator[None]:
    """Insert the events recorded inside the block with one statement at its end.

    Use inside the transaction that makes the changes (mail ingest records
    several events per mail, and an archive run thousands). Nested blocks
    leave the insert to the outermost one. If the block raises, its events
    are dropped with the transaction they belong to.
    """
    if _pending.get() is not None:
        yield
        return
    pending: list[Event] = []
    token = _pending.set(pending)
    try:
        yield
        if pending:
            Event.objects.bulk_create(pending)
            listener().events_recorded(pending)
    finally:
        _pending.reset(token)


def _record(
    category: str, *, project_id: int, actor: User | None = None, **objects: object
) -> Event:
    event = Event(
        category=category,
        project_id=project_id,
        actor=actor,
        date=timezone.now(),
        **objects,
    )
    pending = _pending.get()
    if pending is None:
        event.save()
        listener().events_recorded([event])
    else:
        pending.append(event)
    return event


def record_cover_created(*, cover: Cover) -> Event:
    return _record(Category.COVER_CREATED, project_id=cover.project_id, cover=cover)


def record_patch_created(*, patch: Patch) -> Event:
    return _record(Category.PATCH_CREATED, project_id=patch.project_id, patch=patch)


def record_patch_completed(*, patch: Patch, series: Series) -> Event:
    return _record(
        Category.PATCH_COMPLETED,
        project_id=patch.project_id,
        patch=patch,
        series=series,
    )


def record_patch_state_changed(
    *, patch: Patch, previous: State, current: State, actor: User | None
) -> Event:
    return _record(
        Category.PATCH_STATE_CHANGED,
        project_id=patch.project_id,
        actor=actor,
        patch=patch,
        previous_state=previous,
        current_state=current,
    )


def record_patch_delegated(
    *, patch: Patch, previous: User | None, current: User | None, actor: User | None
) -> Event:
    return _record(
        Category.PATCH_DELEGATED,
        project_id=patch.project_id,
        actor=actor,
        patch=patch,
        previous_delegate=previous,
        current_delegate=current,
    )


def record_patch_relation_changed(
    *,
    patch: Patch,
    previous: PatchRelation | None,
    current: PatchRelation | None,
    actor: User | None,
) -> Event:
    return _record(
        Category.PATCH_RELATION_CHANGED,
        project_id=patch.project_id,
        actor=actor,
        patch=patch,
        previous_relation=previous,
        current_relation=current,
    )


def record_check_created(*, check: Check, project_id: int) -> Event:
    return _record(
        Category.CHECK_CREATED,
        project_id=project_id,
        actor=check.user,
        patch_id=check.patch_id,
        created_check=check,
    )


def record_series_created(*, series: Series) -> Event:
    return _record(Category.SERIES_CREATED, project_id=series.project_id, series=series)


def record_series_completed(*, series: Series) -> Event:
    return _record(
        Category.SERIES_COMPLETED, project_id=series.project_id, series=series
    )


def record_series_merged(*, series: Series, merged: Series) -> Event:
    """Record that ``merged`` became part of ``series``, and move its history.

    Its events now tell of ``series``, but its series-created: the series
    it announced is gone, and series-merged says where it went.
    """
    created = Category.SERIES_CREATED
    pending = _pending.get()
    if pending is not None:
        for event in list(pending):
            if event.series_id != merged.pk:
                continue
            if event.category == created:
                pending.remove(event)
            else:
                event.series = series
    stored = Event.objects.filter(series_id=merged.pk)
    stored.filter(category=created).delete()
    stored.update(series=series)
    return _record(
        Category.SERIES_MERGED,
        project_id=series.project_id,
        series=series,
        merged_series_id=merged.pk,
    )


def record_patch_comment_created(*, comment: PatchComment) -> Event:
    return _record(
        Category.PATCH_COMMENT_CREATED,
        project_id=comment.patch.project_id,
        patch=comment.patch,
        patch_comment=comment,
    )


def record_cover_comment_created(*, comment: CoverComment) -> Event:
    return _record(
        Category.COVER_COMMENT_CREATED,
        project_id=comment.cover.project_id,
        cover=comment.cover,
        cover_comment=comment,
    )
