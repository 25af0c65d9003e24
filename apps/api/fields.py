"""Serializer fields shared by the API's resources.

URLs are built from a template computed once per request and view name (a
reverse() per object and link would dominate the cost of a list page).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse as django_reverse
from rest_framework import serializers
from rest_framework.reverse import reverse as api_reverse

# Stand-ins for ids while building a URL template; routes match \d+ there.
_SENTINELS = ("918273645501", "918273645502")


def _cache(request) -> dict:
    cache = getattr(request, "_patchserver_urls", None)
    if cache is None:
        cache = {}
        request._patchserver_urls = cache
    return cache


def url_builder(
    request, view_name: str, kwarg_names: tuple[str, ...], *, versioned: bool = True
) -> Callable[..., str]:
    """Return a function building absolute URLs of ``view_name`` from ids.

    ``versioned`` URLs carry the request's version segment and its
    ``?format=`` override (as upstream's ``url`` fields do); the others are
    plain unversioned paths (upstream's ``comments`` and ``checks`` links).
    """
    key = (view_name, kwarg_names, versioned)
    cache = _cache(request)
    builder = cache.get(key)
    if builder is not None:
        return builder
    kwargs = dict(zip(kwarg_names, _SENTINELS, strict=False))
    if versioned:
        template = api_reverse(view_name, kwargs=kwargs, request=request)
    else:
        template = request.build_absolute_uri(django_reverse(view_name, kwargs=kwargs))
    if len(kwarg_names) == 1:
        head, _, tail = template.partition(_SENTINELS[0])

        def builder(value) -> str:
            return f"{head}{value}{tail}"

    else:

        def builder(*values) -> str:
            url = template
            for sentinel, value in zip(_SENTINELS, values, strict=False):
                url = url.replace(sentinel, str(value), 1)
            return url

    cache[key] = builder
    return builder


def absolute_url(request, path: str) -> str:
    """Return ``path`` (starting with ``/``) as an absolute URL of this site."""
    cache = _cache(request)
    origin = cache.get("origin")
    if origin is None:
        origin = request.build_absolute_uri("/")[:-1]
        cache["origin"] = origin
    return origin + path


def format_datetime(value: dt.datetime | None) -> str | None:
    """Render an aware time as naive UTC ISO 8601 (microseconds only if set)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


class UtcDateTimeField(serializers.DateTimeField):
    """A read-only time shown as upstream does: ``2017-09-20T11:46:31``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return format_datetime(value)


class ApiLinkField(serializers.Field):
    """The absolute API URL of an object (``url``, ``comments``, ``checks``).

    ``lookups`` maps the route's URL keywords to attributes of the object.
    """

    def __init__(
        self,
        view_name: str,
        lookups: tuple[tuple[str, str], ...] = (("pk", "pk"),),
        *,
        versioned: bool = True,
        **kwargs: Any,
    ) -> None:
        self.view_name = view_name
        self.lookups = lookups
        self.kwarg_names = tuple(name for name, _ in lookups)
        self.attributes = tuple(attr for _, attr in lookups)
        self.versioned = versioned
        kwargs["read_only"] = True
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        # Fields are copied per serializer, so the builder is per request.
        build = self.__dict__.get("_build")
        if build is None:
            build = url_builder(
                self.context["request"],
                self.view_name,
                self.kwarg_names,
                versioned=self.versioned,
            )
            self._build = build
        return build(*(getattr(value, attr) for attr in self.attributes))


class WebLinkField(serializers.Field):
    """An absolute web URL whose path ``path_of(obj)`` builds (web_url, mbox)."""

    def __init__(self, path_of: Callable[[Any], str], **kwargs: Any) -> None:
        self.path_of = path_of
        kwargs["read_only"] = True
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return absolute_url(self.context["request"], self.path_of(value))


class ComputedField(serializers.Field):
    """A read-only value computed from the whole object by ``compute(obj)``.

    ``schema`` describes the value in the OpenAPI document (a string if
    omitted).
    """

    def __init__(
        self, compute: Callable[[Any], Any], schema: dict | None = None, **kwargs: Any
    ) -> None:
        self.compute = compute
        self.schema = schema
        kwargs["read_only"] = True
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.compute(value)


# OpenAPI descriptions of computed values (see ComputedField).
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True, "readOnly": True}
HEADERS = {
    "type": "object",
    "readOnly": True,
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
    "description": "Mail headers; a list where a header occurs more than once.",
}
STRINGS = {"type": "array", "items": {"type": "string"}, "readOnly": True}
URIS = {"type": "array", "items": {"type": "string", "format": "uri"}, "readOnly": True}
OBJECT = {"type": "object", "readOnly": True}
BOOLEAN = {"type": "boolean", "readOnly": True}
STRING = {"type": "string", "readOnly": True}
NULLABLE_STRING = {"type": "string", "nullable": True, "readOnly": True}
CHECK_STATE = {
    "type": "string",
    "enum": ["pending", "success", "warning", "fail"],
    "readOnly": True,
}
