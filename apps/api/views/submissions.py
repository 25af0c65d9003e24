"""Cover letters and series (read-only)."""

from rest_framework import generics

from apps.api.base import ApiViewMixin
from apps.api.filters import CoverFilterSet, SeriesFilterSet
from apps.api.permissions import ReadAnyoneWriteNobody
from apps.api.serializers.covers import CoverDetailSerializer, CoverSerializer
from apps.api.serializers.series import SeriesSerializer
from apps.api.versioning import at_least
from apps.patches.selectors import (
    attach_series_members,
    cover_detail_queryset,
    cover_list,
    series_detail_queryset,
    series_list,
)


def with_members(request, series_rows: list) -> list:
    """Attach the series' patches and, where shown, their dependencies."""
    dependencies = at_least(request, "1.4") and any(
        series.project.show_dependencies for series in series_rows
    )
    return attach_series_members(series_rows, dependencies=dependencies)


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


class SeriesDetail(ApiViewMixin, generics.RetrieveAPIView):
    """Show a series."""

    serializer_class = SeriesSerializer
    permission_classes = (ReadAnyoneWriteNobody,)

    def get_queryset(self):
        return series_detail_queryset()

    def get_object(self):
        return with_members(self.request, [super().get_object()])[0]
