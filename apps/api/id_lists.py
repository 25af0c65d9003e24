"""Lists of object ids in request bodies (``patches``, ``related``).

Django REST framework's ``many=True`` relations look each id up with its own
query, so a body repeating one id 20,000 times costs 20,000 queries. This
field resolves the whole list with one query and refuses lists longer than
the largest API page.
"""

from django.conf import settings
from rest_framework import serializers

from apps.ids import MAX_ID, parse_id


def as_id(value: object) -> int | None:
    """Return ``value`` as a positive row id, or None if it cannot be one.

    Accepted, as the REST framework's primary-key fields accept them:
    integers (not booleans), integral floats and strings of digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return parse_id(value)
    if not isinstance(value, int):
        return None
    return value


class IdListField(serializers.ManyRelatedField):
    """A list of ids written as ``[1, 2, ...]``, resolved with one query.

    ``child_relation`` is a ``PrimaryKeyRelatedField`` whose queryset says
    what is fetched; its error messages are the ones returned, for the first
    bad id in the order given, so clients see the framework's usual errors.
    Duplicates resolve to the same object, in the order given; ``null``
    names no object (as the framework's field says).
    """

    default_error_messages = {
        "too_long": "Ensure this field has no more than {max_length} elements.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        items = list(data) if not isinstance(data, list) else data
        if not self.allow_empty and not items:
            self.fail("empty")
        # Read at call time: deployments and tests change the page size.
        max_length = settings.MAX_REST_RESULTS_PER_PAGE
        if len(items) > max_length:
            self.fail("too_long", max_length=max_length)
        ids = [as_id(item) for item in items]
        wanted = {pk for pk in ids if pk is not None and 0 < pk <= MAX_ID}
        queryset = self.child_relation.get_queryset()
        assert queryset is not None  # the child relations are given one
        found = queryset.in_bulk(wanted) if wanted else {}
        objects = []
        for item, pk in zip(items, ids, strict=True):
            if pk is None and item is not None:
                self.child_relation.fail(
                    "incorrect_type", data_type=type(item).__name__
                )
            obj = found.get(pk)
            if obj is None:
                self.child_relation.fail("does_not_exist", pk_value=item)
            objects.append(obj)
        return objects
