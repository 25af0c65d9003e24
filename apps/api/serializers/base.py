"""Base serializer classes of the API."""

from rest_framework import serializers

from apps.api.versioning import VersionedFieldsMixin


class ApiSerializer(VersionedFieldsMixin, serializers.ModelSerializer):
    """A model serializer whose fields follow the requested API version."""


class MemoizedSerializer(ApiSerializer):
    """An embedded form rendered once per object and request.

    Lists repeat the same few objects (every patch of a page embeds its
    project); their representation depends only on the row and the request,
    so it is computed once and copied.
    """

    def to_representation(self, instance):
        memo = self.context.setdefault("_embedded_memo", {})
        key = (type(self).__name__, instance.pk)
        data = memo.get(key)
        if data is None:
            data = super().to_representation(instance)
            memo[key] = data
        return dict(data)
