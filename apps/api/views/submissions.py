"""Cover letters (read-only) and series (changed through their patches from 1.5)."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, generics
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.api.base import ApiViewMixin, signed_in_user
from apps.api.filters import CoverFilterSet, SeriesFilterSet
from apps.api.permissions import CanUpdateSeries, ReadAnyoneWriteNobody
from apps.api.serializers.covers import CoverDetailSerializer, CoverSerializer
from apps.api.serializers.series import SeriesSerializer, SeriesUpdateSerializer
from apps.api.versioning import as_tuple, at_least
from apps.patches.exceptions import (
    DelegateNotMaintainer,
    SeriesUpdateForbidden,
    VersionLinkForbidden,
    VersionLinkInvalid,
)
from apps.patches.selectors import (
    attach_series_members,
    attach_series_versions,
    cover_detail_queryset,
    cover_list,
    series_detail_queryset,
    series_list,
)
from apps.patches.services.series_updates import series_change


def with_members(request, series_rows: list) -> list:
    """Attach the series' patches and, where shown, their dependencies."""
    dependencies = at_least(request, "1.4") and any(
        series.project.show_dependencies for series in series_rows
    )
    attach_series_members(series_rows, dependencies=dependencies)
    if at_least(request, "1.5"):
        attach_series_versions(series_rows)
    return series_rows


class CoverList(ApiViewMixin, generics.ListAPIView):
    """List cover letters."""

    serializer_class = CoverSerializer
    permission_classes = (ReadAnyoneWriteNobody,)
    filterset_class = CoverFilterSet
    search_fields = ("name",)
    ordering_map = {
        "id": "id",
        "name": "name",
        "date": "date",
        "submitter": "submitter_id",
    }

    def get_queryset(self):
        return cover_list()


class CoverDetail(ApiViewMixin, generics.RetrieveAPIView):
    """Show a cover letter."""

    serializer_class = CoverDetailSerializer
    permission_classes = (ReadAnyoneWriteNobody,)

    def get_queryset(self):
        return cover_detail_queryset()


class SeriesList(ApiViewMixin, generics.ListAPIView):
    """List series."""

    serializer_class = SeriesSerializer
    permission_classes = (ReadAnyoneWriteNobody,)
    filterset_class = SeriesFilterSet
    search_fields = ("name",)
    ordering_map = {
        "id": "id",
        "name": "name",
        "date": "date",
        "submitter": "submitter_id",
        # Upstream crashes on this one; sort by the computed flag instead
        # (rest-api.md §6.3 Deviation).
        "received_all": "received_all",
    }

    def get_queryset(self):
        return series_list()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        assert page is not None  # the list is always paginated
        return with_members(self.request, page)


class SeriesDetailSchema(AutoSchema):
    """A PATCH takes the changes (not a series) and answers with the series."""

    def get_description(self):  # type: ignore[override]  # drf-spectacular's form
        if self.method == "PATCH":
            # Upstream's docstring (shown by OPTIONS) stays the view's.
            return (
                "Update all patches of a series (state, delegate, archived) "
                "and set its previous version."
            )
        return super().get_description()

    def get_request_serializer(self):
        if self.method == "PATCH":
            return SeriesUpdateSerializer()
        return super().get_request_serializer()


class SeriesDetail(ApiViewMixin, generics.RetrieveAPIView):
    """Show a series."""

    serializer_class = SeriesSerializer
    permission_classes = (CanUpdateSeries,)
    # patchserver's own: Patchwork's series are read-only (1.0-1.4 unchanged).
    writes_since = "1.5"
    schema = SeriesDetailSchema()

    @property
    def allowed_methods(self):
        # The Allow header and OPTIONS of 1.0-1.4 stay upstream's.
        methods = super().allowed_methods
        version = getattr(self, "kwargs", {}).get("version")
        if version is not None and as_tuple(version) < as_tuple(self.writes_since):
            methods = [method for method in methods if method in SAFE_METHODS]
        return methods

    def get_queryset(self):
        return series_detail_queryset()

    def get_serializer_class(self):
        # The browsable API's form for a PATCH shows what it takes.
        if self.request.method == "PATCH":
            return SeriesUpdateSerializer
        return SeriesSerializer

    def get_object(self):
        return with_members(self.request, [super().get_object()])[0]

    def patch(self, request, *args, **kwargs):
        series = self.get_object()
        context = self.get_serializer_context()
        update = SeriesUpdateSerializer(data=request.data, context=context)
        update.is_valid(raise_exception=True)
        changes = dict(update.validated_data)
        actor = signed_in_user(request)
        try:
            series_change(series=series, actor=actor, **changes)
        except (SeriesUpdateForbidden, VersionLinkForbidden) as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except DelegateNotMaintainer as exc:
            raise exceptions.ValidationError({"delegate": [str(exc)]}) from None
        except VersionLinkInvalid as exc:
            raise exceptions.ValidationError({"previous_version": [str(exc)]}) from None
        return Response(SeriesSerializer(self.get_object(), context=context).data)
