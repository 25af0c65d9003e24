"""The interdiff of two versions of a series (API 1.5, patchserver's own)."""

from typing import NoReturn

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.api.base import ApiViewMixin
from apps.api.permissions import ReadAnyoneWriteNobody
from apps.api.renderers import PlainTextRenderer
from apps.ids import parse_id
from apps.patches import interdiff
from apps.patches import selectors as patch_selectors


@extend_schema(
    parameters=[
        OpenApiParameter(
            "against",
            OpenApiTypes.INT,
            required=True,
            description="The id of the other version",
        ),
        OpenApiParameter(
            "format", str, enum=["txt", "json"], description="json for JSON"
        ),
    ],
    responses={
        (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR),
        (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
    },
)
class SeriesInterdiff(ApiViewMixin, generics.GenericAPIView):
    """Show how a series differs from another version of it.

    ``against`` names the other series (of the same project). The answer is
    plain text as ``git range-diff`` prints it; ``?format=json`` gives the
    same as JSON: per patch its change (unchanged, changed, added, removed),
    both sides and the difference of the two diffs, and the cover letters'
    difference.
    """

    available_since = "1.5"
    permission_classes = (ReadAnyoneWriteNobody,)
    renderer_classes = (PlainTextRenderer, JSONRenderer)
    pagination_class = None
    filter_backends = ()

    def get(self, request, pk, **kwargs):
        other_id = parse_id(request.query_params.get("against", ""))
        pair = None
        if other_id is not None:
            pair = patch_selectors.series_pair(int(pk), other_id)
        if pair is None:
            _refuse(int(pk), other_id)
        result = patch_selectors.series_interdiff(*pair)
        if isinstance(request.accepted_renderer, JSONRenderer):
            return Response(interdiff.as_dict(result))
        return Response(interdiff.as_text(result))


def _refuse(series_id: int, other_id: int | None) -> NoReturn:
    """Say why there is no pair: an unknown series first, then ``against``."""
    # Only a failed request reads the series apart from its pair.
    if patch_selectors.series_get(series_id) is None:
        raise exceptions.NotFound("No series found.")
    if other_id is None:
        raise exceptions.ValidationError({"against": ["A series id is required."]})
    raise exceptions.ValidationError(
        {"against": ["No series with this id in the same project."]}
    )
