from typing import Any

from rest_framework import serializers

from apps.api.fields import UtcDateTimeField
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import (
    EmbeddedCheckSerializer,
    EmbeddedCoverCommentSerializer,
    EmbeddedCoverSerializer,
    EmbeddedPatchCommentSerializer,
    EmbeddedPatchSerializer,
    EmbeddedProjectSerializer,
    EmbeddedSeriesSerializer,
    EmbeddedUserSerializer,
)
from apps.events.models import Event

Category = Event.Category

# Payload keys per category, in upstream's order, and the Event column each
# one shows. ``None`` columns are always null on the wire (upstream never
# serialises the relation objects).
PAYLOADS: dict[str, tuple[tuple[str, str | None], ...]] = {
    Category.COVER_CREATED: (("cover", "cover"),),
    Category.PATCH_CREATED: (("patch", "patch"),),
    Category.PATCH_COMPLETED: (("patch", "patch"), ("series", "series")),
    Category.PATCH_STATE_CHANGED: (
        ("patch", "patch"),
        ("previous_state", "previous_state"),
        ("current_state", "current_state"),
    ),
    Category.PATCH_DELEGATED: (
        ("patch", "patch"),
        ("previous_delegate", "previous_delegate"),
        ("current_delegate", "current_delegate"),
    ),
    Category.PATCH_RELATION_CHANGED: (
        ("patch", "patch"),
        ("previous_relation", None),
        ("current_relation", None),
    ),
    Category.CHECK_CREATED: (("patch", "patch"), ("check", "created_check")),
    Category.SERIES_CREATED: (("series", "series"),),
    Category.SERIES_COMPLETED: (("series", "series"),),
    Category.SERIES_MERGED: (
        ("series", "series"),
        ("merged_series", "merged_series_id"),
    ),
    Category.COVER_COMMENT_CREATED: (("cover", "cover"), ("comment", "cover_comment")),
    Category.PATCH_COMMENT_CREATED: (("patch", "patch"), ("comment", "patch_comment")),
}

EMBEDDED = {
    "patch": EmbeddedPatchSerializer,
    "cover": EmbeddedCoverSerializer,
    "series": EmbeddedSeriesSerializer,
    "previous_delegate": EmbeddedUserSerializer,
    "current_delegate": EmbeddedUserSerializer,
    "created_check": EmbeddedCheckSerializer,
    "patch_comment": EmbeddedPatchCommentSerializer,
    "cover_comment": EmbeddedCoverCommentSerializer,
}


class PayloadField(serializers.Field):
    """The category's payload: only its own keys, built per category."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def _embedded(self, column: str):
        cache = self.__dict__.setdefault("_serializers", {})
        serializer = cache.get(column)
        if serializer is None:
            serializer = EMBEDDED[column](context=self.context)
            cache[column] = serializer
        return serializer

    def to_representation(self, event) -> dict:
        payload: dict[str, Any] = {}
        for key, column in PAYLOADS.get(event.category, ()):
            value = getattr(event, column) if column is not None else None
            if column is None or value is None:
                payload[key] = None
            elif column == "merged_series_id":
                payload[key] = value  # an id: the series is gone
            elif column in ("previous_state", "current_state"):
                payload[key] = value.slug
            elif column in ("patch_comment", "cover_comment"):
                # The comment's parent is the event's own patch or cover,
                # already loaded: reuse it instead of one query per event.
                parent = "patch" if column == "patch_comment" else "cover"
                if getattr(value, f"{parent}_id") == getattr(event, f"{parent}_id"):
                    setattr(value, parent, getattr(event, parent))
                payload[key] = self._embedded(column).to_representation(value)
            else:
                payload[key] = self._embedded(column).to_representation(value)
        return payload


class EventSerializer(ApiSerializer):
    """An event; ``actor`` is shown in every version, as upstream does."""

    project = EmbeddedProjectSerializer(read_only=True)
    date = UtcDateTimeField()
    actor = EmbeddedUserSerializer(read_only=True, allow_null=True)
    payload = PayloadField()

    class Meta:
        model = Event
        fields = ("id", "category", "project", "date", "actor", "payload")
        read_only_fields = fields
