"""API versions: which exist, how to compare them, and fields added per version.

Versions are compared as tuples of integers so that a future "1.10" sorts
after "1.9" (comparing the strings would not).
"""

import copy
from typing import Any, Final

from rest_framework.request import Request

API_VERSIONS: Final = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
LATEST: Final = API_VERSIONS[-1]
# The versions upstream Patchwork defines; later ones are patchserver's own,
# and only they (and the unversioned routes) show what upstream lacks.
UPSTREAM_VERSIONS: Final = API_VERSIONS[:5]


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def requested(request: Request | None) -> tuple[int, ...]:
    """Return the version a request asked for; unversioned means the latest."""
    version = getattr(request, "version", None) if request is not None else None
    return as_tuple(version or LATEST)


def at_least(request: Request | None, version: str) -> bool:
    return requested(request) >= as_tuple(version)


def versions_since(version: str) -> tuple[str, ...]:
    """Return the versions in which something added in ``version`` exists."""
    return tuple(v for v in API_VERSIONS if as_tuple(v) >= as_tuple(version))


def version_pattern(since: str = API_VERSIONS[0]) -> str:
    """Return the URL regex prefix matching an optional version from ``since`` on.

    The regex is the allow-list: an unknown version, or one older than the
    route, matches no route at all and gets the site's ordinary 404 page.
    """
    choices = "|".join(v.replace(".", r"\.") for v in versions_since(since))
    return rf"^(?:(?P<version>{choices})/)?"


def hidden_names(request: Request | None, fields_since: dict[str, tuple]) -> set[str]:
    """Return the names introduced after the version ``request`` asked for."""
    asked = requested(request)
    return {
        name
        for since, names in fields_since.items()
        if asked < as_tuple(since)
        for name in names
    }


def _clone(field: Any) -> Any:
    """Copy a prototype field for one serializer instance.

    Binding a field only sets attributes on it, so a shallow copy suffices
    for plain fields; nested serializers and many-relations hold bound
    children of their own and are copied in full (re-created, as DRF does).
    """
    from rest_framework.relations import ManyRelatedField
    from rest_framework.serializers import BaseSerializer

    if isinstance(field, BaseSerializer | ManyRelatedField):
        return copy.deepcopy(field)
    return copy.copy(field)


# Built serializer fields per (serializer class, version); see get_fields().
_FIELD_PROTOTYPES: dict[tuple[type, tuple[int, ...]], dict[str, Any]] = {}


class VersionedFieldsMixin:
    """Hide serializer fields introduced after the requested API version.

    Declared once per serializer as ``Meta.fields_since = {"1.1": (...)}``.
    Working in ``get_fields()`` covers output, input validation, nested
    serializers (which share the root's context) and the browsable API forms.

    Building a model serializer's fields means introspecting the model every
    time a serializer is created (several per request); the result depends
    only on the class and the version, so it is built once and copied, as
    Django REST framework itself copies declared fields.
    """

    def get_fields(self) -> dict[str, Any]:
        request = self.context.get("request")  # type: ignore[attr-defined]
        key = (type(self), requested(request))
        prototype = _FIELD_PROTOTYPES.get(key)
        if prototype is None:
            prototype = super().get_fields()  # type: ignore[misc]
            fields_since = getattr(self.Meta, "fields_since", None)  # type: ignore[attr-defined]
            if fields_since:
                for name in hidden_names(request, fields_since):
                    prototype.pop(name, None)
            _FIELD_PROTOTYPES[key] = prototype
        return {name: _clone(field) for name, field in prototype.items()}
