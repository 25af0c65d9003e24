"""Named reads of the event feed."""

from django.db.models import Q, QuerySet

from apps.events.models import Event
from apps.projects.models import Project

_USERS = ("actor", "previous_delegate", "current_delegate")

# Everything an event's payload may embed, with the project each embedded
# object needs for its links. Bodies of the embedded mails are not loaded.
_PAYLOAD_RELATED = (
    "project",
    "actor",
    "patch__project",
    "series__project",
    "cover__project",
    "previous_state",
    "current_state",
    "previous_delegate",
    "current_delegate",
    "created_check",
    "patch_comment",
    "cover_comment",
)
# What the event list reads of each object (its fields and what its links
# and embedded forms need): naming them keeps the row query to the columns
# shown; Django builds a query in time proportional to its columns.
_EMBEDDED_USER = ("id", "username", "first_name", "last_name", "email")
_LINKED_PROJECT = ("linkname", "list_archive_url_format")
_ONLY = (
    *(f.name for f in Event._meta.concrete_fields),
    *(f"project__{f.name}" for f in Project._meta.concrete_fields),
    *(f"{who}__{name}" for who in _USERS for name in _EMBEDDED_USER),
    *(f"patch__{name}" for name in ("msgid", "name", "date", "project")),
    *(f"patch__project__{name}" for name in _LINKED_PROJECT),
    *(f"series__{name}" for name in ("date", "name", "version", "project")),
    *(f"series__project__{name}" for name in _LINKED_PROJECT),
    *(f"cover__{name}" for name in ("msgid", "name", "date", "project")),
    *(f"cover__project__{name}" for name in _LINKED_PROJECT),
    "previous_state__slug",
    "current_state__slug",
    *(
        f"created_check__{name}"
        for name in ("patch", "date", "state", "target_url", "context")
    ),
    *(f"patch_comment__{name}" for name in ("msgid", "date", "patch")),
    *(f"cover_comment__{name}" for name in ("msgid", "date", "cover")),
)


def series_activity(series_id: int, categories: tuple[str, ...]) -> list[Event]:
    """Return the newest 50 events of a series and its patches in ``categories``."""
    return list(
        event_list()
        .filter(Q(series_id=series_id) | Q(patch__series_id=series_id))
        .filter(category__in=categories)[:50]
    )


def event_list(*, categories_hidden: tuple[str, ...] = ()) -> QuerySet[Event]:
    """Return events newest first, leaving out ``categories_hidden``."""
    events = Event.objects.select_related(*_PAYLOAD_RELATED).only(*_ONLY)
    if categories_hidden:
        events = events.exclude(category__in=categories_hidden)
    return events.order_by("-date", "-id")
