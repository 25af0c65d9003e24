"""What every API view shares: renderers, parsers, versioning, paging, filters.

Views are Django REST framework generic views named as upstream's
(``PatchList``, ``PatchDetail`` ...), so the browsable API and OPTIONS show
upstream's view names, and their docstrings are upstream's descriptions.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import BasePagination
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.versioning import URLPathVersioning

from apps.api.db import fixed_join_order
from apps.api.filters import FilterBackend
from apps.api.ordering import OrderingFilter, SearchFilter
from apps.api.pagination import LinkHeaderPagination
from apps.api.renderers import BrowsableAPIRenderer
from apps.api.throttling import AnonymousListThrottle
from apps.api.versioning import at_least
from apps.people.models import User


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    # The mixin is only ever combined with a generic view: checking it as one
    # lets mypy see the attributes and methods it overrides or calls.
    _ViewBase = GenericAPIView[Any]
else:
    _ViewBase = object


def signed_in_user(request: Request) -> User:
    """Return the caller of a write, whom the permission classes let in signed in."""
    user = request.user
    assert isinstance(user, User)
    return user


class ApiViewMixin(_ViewBase):
    renderer_classes: Sequence[type[BaseRenderer]] = (
        JSONRenderer,
        BrowsableAPIRenderer,
    )
    parser_classes: Sequence[type[BaseParser]] = (
        JSONParser,
        FormParser,
        MultiPartParser,
    )
    # The URL regexes are the allow-list of versions; None means the latest.
    versioning_class = URLPathVersioning
    pagination_class: type[BasePagination] | None = LinkHeaderPagination
    filter_backends: Sequence[type[BaseFilterBackend]] = (
        FilterBackend,
        SearchFilter,
        OrderingFilter,
    )
    throttle_classes: Sequence[type[BaseThrottle]] = (AnonymousListThrottle,)
    # Describes the view in the generated OpenAPI document (apps.api.schema).
    schema = AutoSchema()
    ordering = ("id",)
    ordering_map = {"id": "id"}
    # The first version having the route (apps.api.urls routes it from there).
    available_since = "1.0"
    # Unsafe methods that only exist from this version on (405 before it).
    writes_since: str | None = None

    def get_object(self) -> Any:
        # One object with everything it embeds: many joins, see db.py.
        with fixed_join_order():
            return super().get_object()

    def check_permissions(self, request: Request) -> None:
        # A method the route does not have is 405 whoever asks, before any
        # permission rule; so is one that the requested version lacks
        # (upstream: bundle writes before 1.2).
        assert request.method is not None  # every dispatched request has one
        if not hasattr(self, request.method.lower()):
            raise exceptions.MethodNotAllowed(request.method)
        if (
            self.writes_since is not None
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not at_least(request, self.writes_since)
        ):
            raise exceptions.MethodNotAllowed(request.method)
        super().check_permissions(request)
