"""What every API view shares: renderers, parsers, versioning, paging, filters.

Views are Django REST framework generic views named as upstream's
(``PatchList``, ``PatchDetail`` ...), so the browsable API and OPTIONS show
upstream's view names, and their docstrings are upstream's descriptions.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.versioning import URLPathVersioning

from apps.api.db import fixed_join_order
from apps.api.filters import FilterBackend
from apps.api.ordering import OrderingFilter, SearchFilter
from apps.api.pagination import LinkHeaderPagination
from apps.api.versioning import at_least


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ApiViewMixin:
    renderer_classes = (JSONRenderer, BrowsableAPIRenderer)
    parser_classes = (JSONParser, FormParser, MultiPartParser)
    # The URL regexes are the allow-list of versions; None means the latest.
    versioning_class = URLPathVersioning
    pagination_class = LinkHeaderPagination
    filter_backends = (FilterBackend, SearchFilter, OrderingFilter)
    # Describes the view in the generated OpenAPI document (apps.api.schema).
    schema = AutoSchema()
    ordering = ("id",)
    ordering_map = {"id": "id"}
    # The first version having the route (apps.api.urls routes it from there).
    available_since = "1.0"
    # Unsafe methods that only exist from this version on (405 before it).
    writes_since: str | None = None

    def get_object(self):
        # One object with everything it embeds: many joins, see db.py.
        with fixed_join_order():
            return super().get_object()

    def check_permissions(self, request):
        # A method the route does not have is 405 whoever asks, before any
        # permission rule; so is one that the requested version lacks
        # (upstream: bundle writes before 1.2).
        if not hasattr(self, request.method.lower()):
            raise exceptions.MethodNotAllowed(request.method)
        if (
            self.writes_since is not None
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not at_least(request, self.writes_since)
        ):
            raise exceptions.MethodNotAllowed(request.method)
        super().check_permissions(request)
