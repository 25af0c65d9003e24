from rest_framework import generics

from apps.api.base import ApiViewMixin
from apps.api.filters import EventFilterSet
from apps.api.permissions import ReadAnyoneWriteNobody
from apps.api.serializers.events import EventSerializer
from apps.api.versioning import at_least
from apps.events.models import Event
from apps.events.selectors import event_list

COMMENT_CATEGORIES = (
    Event.Category.COVER_COMMENT_CREATED,
    Event.Category.PATCH_COMMENT_CREATED,
)


class EventList(ApiViewMixin, generics.ListAPIView):
    """List events."""

    serializer_class = EventSerializer
    permission_classes = (ReadAnyoneWriteNobody,)
    filterset_class = EventFilterSet
    ordering = ("-date",)
    ordering_map = {"date": "date"}

    def get_queryset(self):
        # Comment events arrived in 1.3, series-merged (patchserver's own) in
        # 1.5; older clients never see them, not even as a gap in the pages.
        hidden: tuple[str, ...] = ()
        if not at_least(self.request, "1.3"):
            hidden += COMMENT_CATEGORIES
        if not at_least(self.request, "1.5"):
            hidden += (Event.Category.SERIES_MERGED,)
        return event_list(categories_hidden=hidden)
