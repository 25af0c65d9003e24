"""Cover letters and series (read-only)."""

from rest_framework import generics

from apps.api.base import ApiViewMixin
from apps.api.filters import CoverFilterSet, SeriesFilterSet
from apps.api.permissions import ReadAnyoneWriteNobody
from apps.api.serializers.covers import CoverDetailSerializer, CoverSerializer
from apps.api.serializers.series import SeriesSerializer
from apps.patches.selectors import (
    cover_detail_queryset,
    cover_list,
    series_detail_queryset,
    series_list,
)


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


class SeriesDetail(ApiViewMixin, generics.RetrieveAPIView):
    """Show a series."""

    serializer_class = SeriesSerializer
    permission_classes = (ReadAnyoneWriteNobody,)

    def get_queryset(self):
        return series_detail_queryset()
