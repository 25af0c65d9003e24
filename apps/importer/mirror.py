"""Mirror one project of a Patchwork instance through its REST API.

For an instance whose database cannot be read (a hosted one). A run reads
the project, then the covers, series and patches the target does not have
yet (newest first, down to the first one it has), each with its comments
and checks, then the events since the last run's: these also name the
older patches whose state, delegate, relations, comments or checks changed,
which are read again. Objects keep the source's ids where the target has
them free (``apps.importer.mirror_store``). Each object is written in a
transaction of its own; a run that stops is simply run again.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, transaction

from apps.importer.api_client import ApiClient, MirrorFailed
from apps.importer.api_values import Obj
from apps.importer.mirror_patches import MirrorPatches
from apps.importer.models import MirrorState
from apps.importer.writers import reset_sequences
from apps.patches.services.search_index import search_index_fill
from apps.patches.services.tags import patches_retag

Log = Callable[[str], None]


@dataclass
class MirrorResult:
    version: str
    created: dict[str, int]
    updated: dict[str, int]
    requests: int


def patchwork_mirror(
    *, client: ApiClient, linkname: str, log: Log, version: str | None = None
) -> MirrorResult:
    """Bring the target's copy of project ``linkname`` up to date."""
    client.negotiate(version)
    log(f"{client.root}: REST API {client.version}")
    work = MirrorPatches(client)
    try:
        _mirror(work, linkname, log)
    finally:
        reset_sequences(sorted(work.store.models, key=lambda model: model.__name__))
        search_index_fill()
    return MirrorResult(
        client.version,
        dict(work.store.created),
        dict(work.store.updated),
        client.requests,
    )


def _mirror(work: "MirrorPatches", linkname: str, log: Log) -> None:
    client = work.client
    _atomic(work.project, linkname)
    for kind, path in (
        ("cover", "covers/"),
        ("series", "series/"),
        ("patch", "patches/"),
    ):
        count = 0
        for source_id in _new_ids(work, kind, path, linkname):
            _atomic(work.ensure, kind, source_id)
            count += 1
        log(f"{path.rstrip('/')}: {count} new")
    state, _ = MirrorState.objects.get_or_create(source=client.root, project=linkname)
    touched = _events(work, linkname, state)
    for patch_id in sorted(touched):
        _atomic(work.refresh_patch, patch_id)
    events = work.store.created["event"]
    log(f"events: {events} new, {len(touched)} older patches changed")
    work.finish_relations()
    work.finish_dependencies()
    if work.retag:
        patches_retag(patch_ids=sorted(work.retag))


def _new_ids(
    work: "MirrorPatches", kind: str, path: str, linkname: str
) -> Iterator[int]:
    """Ids of the project's objects the target lacks, oldest first.

    The first run streams the list in id order. Later runs read it newest
    first and stop at the first object they have: objects are written
    oldest first, so everything older is there too.
    """
    if not work.store.has_any(kind):
        for page in work.client.pages(path, {"project": linkname, "order": "id"}):
            yield from (Obj(item, path).integer("id") for item in page)
        return
    new: list[int] = []
    for page in work.client.pages(path, {"project": linkname, "order": "-id"}):
        for item in page:
            source_id = Obj(item, path).integer("id")
            if work.store.target(kind, source_id) is not None:
                yield from reversed(new)
                return
            new.append(source_id)
    yield from reversed(new)


def _events(work: "MirrorPatches", linkname: str, state: MirrorState) -> set[int]:
    """Copy the events since the last run; return the older patches they name."""
    params: dict[str, Any] = {"project": linkname, "order": "date"}
    if state.last_event_date is not None:
        params["since"] = state.last_event_date.replace(tzinfo=None).isoformat()
    touched: set[int] = set()
    for page in work.client.pages("events/", params):
        for item in page:
            event = Obj(item, "events/")
            touched |= _atomic(work.event, event)
            if (
                state.last_event_date is None
                or event.date("date") > state.last_event_date
            ):
                state.last_event_date = event.date("date")
        state.save(update_fields=["last_event_date"])
    return touched - work.fresh


def _atomic(function: Callable[..., Any], *args: Any) -> Any:
    try:
        with transaction.atomic():
            return function(*args)
    except DatabaseError as exc:
        raise MirrorFailed(f"cannot store {args!r:.80}: {exc}") from exc
