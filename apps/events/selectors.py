"""Named reads of the event feed."""

from django.db.models import QuerySet

from apps.events.models import Event

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
_DEFERRED = (
    "patch__diff",
    "patch__content",
    "patch__headers",
    "cover__content",
    "cover__headers",
    "patch_comment__content",
    "patch_comment__headers",
    "cover_comment__content",
    "cover_comment__headers",
)


def event_list(*, categories_hidden: tuple[str, ...] = ()) -> QuerySet[Event]:
    """Return events newest first, leaving out ``categories_hidden``."""
    events = Event.objects.select_related(*_PAYLOAD_RELATED).defer(*_DEFERRED)
    if categories_hidden:
        events = events.exclude(category__in=categories_hidden)
    return events.order_by("-date", "-id")
