"""``order=`` and ``q=`` handling shared by the list endpoints."""

import operator
from functools import reduce

from rest_framework import filters


class OrderingFilter(filters.OrderingFilter):
    """Sort by the comma-separated ``order`` names the view allows.

    Views declare ``ordering_map``: API name -> model expression (``project``
    sorts by link name, ``state`` by display order ...). Unknown names are
    dropped; if none remain, the view's default ``ordering`` applies. The id
    is appended as a tiebreaker so pages never overlap.
    """

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in getattr(view, "ordering_map", {})]

    def filter_queryset(self, request, queryset, view):
        names = self.get_ordering(request, queryset, view) or ()
        mapping = view.ordering_map
        terms = []
        for name in names:
            descending = name.startswith("-")
            field = mapping[name.lstrip("-")]
            terms.append(f"-{field}" if descending else field)
        if not any(term.lstrip("-") in ("id", "pk") for term in terms):
            terms.append("-id" if terms and terms[0].startswith("-") else "id")
        return queryset.order_by(*terms)


class SearchFilter(filters.SearchFilter):
    """Search ``q`` terms (all must match); views may build the match themselves.

    A view with ``search_q(term) -> Q`` decides how one term matches (used for
    comments, whose subject lives in the stored headers); otherwise the
    view's ``search_fields`` are searched case-insensitively.
    """

    def filter_queryset(self, request, queryset, view):
        build = getattr(view, "search_q", None)
        if build is None:
            return super().filter_queryset(request, queryset, view)
        terms = self.get_search_terms(request)
        if not terms:
            return queryset
        return queryset.filter(reduce(operator.and_, (build(term) for term in terms)))

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        return filters.search_smart_split(value)
