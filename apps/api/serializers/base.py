"""Base serializer classes of the API."""

from operator import attrgetter

from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from apps.api.versioning import VersionedFieldsMixin

# DRF field types whose output is the model attribute as it is: the
# database already gives str, int and bool, so the per-value conversion is
# skipped. Only these exact classes (a subclass may convert differently).
_PLAIN_FIELDS = frozenset(
    {
        drf_fields.CharField,
        drf_fields.EmailField,
        drf_fields.SlugField,
        drf_fields.URLField,
        drf_fields.IntegerField,
        drf_fields.BooleanField,
    }
)


def _reader(field):
    """Return a function giving ``field``'s output for one object."""
    if type(field) in _PLAIN_FIELDS and len(field.source_attrs) == 1:
        return attrgetter(field.source_attrs[0])
    get, represent = field.get_attribute, field.to_representation

    def read(instance):
        value = get(instance)
        if isinstance(value, PKOnlyObject):
            return represent(value) if value.pk is not None else None
        return None if value is None else represent(value)

    return read


class ApiSerializer(VersionedFieldsMixin, serializers.ModelSerializer):
    """A model serializer whose fields follow the requested API version.

    Output goes through a plan built once per serializer (so once per request
    and nesting level): one reader per field, plain attribute lookups for
    plain model fields. Lists call this thousands of times per page.
    """

    def to_representation(self, instance):
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = [
                (field.field_name, _reader(field)) for field in self._readable_fields
            ]
            self._plan = plan
        return {name: read(instance) for name, read in plan}


class MemoizedSerializer(ApiSerializer):
    """An embedded form rendered once per object and request.

    Lists repeat the same few objects (every patch of a page embeds its
    project); their representation depends only on the row and the request,
    so it is computed once and copied.
    """

    def to_representation(self, instance):
        # The stubs declare the context a Mapping; DRF keeps it in a dict.
        memo = self.context.setdefault("_embedded_memo", {})  # type: ignore[attr-defined]
        key = (type(self).__name__, instance.pk)
        data = memo.get(key)
        if data is None:
            data = super().to_representation(instance)
            memo[key] = data
        return dict(data)
