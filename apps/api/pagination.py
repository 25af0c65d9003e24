"""Page-number pagination with upstream's ``Link`` header and bare-array bodies."""

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from apps.api.db import fixed_join_order
from apps.paging import BoundedPaginator


class LinkHeaderPagination(PageNumberPagination):
    """Paginate with ``page``/``per_page`` and describe the pages in ``Link``.

    The body stays a bare JSON array (no count, no envelope). ``Link`` is
    always sent, in the order clients parse it: ``next`` first (pwclient only
    follows a leading ``next`` entry), then ``prev``, ``first`` and ``last``.
    Query keys are re-emitted in alphabetical order, as upstream does; the
    ``prev`` link to page 1 carries no ``page``.
    """

    page_query_param = "page"
    page_size_query_param = "per_page"
    # Past settings.PAGINATION_EXACT_COUNT rows the last page's number is an
    # estimate (a Deviation, see apps/paging.py); every other link is exact.
    django_paginator_class = BoundedPaginator

    def get_page_size(self, request) -> int:
        # Read at call time so deployments and tests can change them.
        self.page_size = settings.REST_RESULTS_PER_PAGE
        self.max_page_size = settings.MAX_REST_RESULTS_PER_PAGE
        size = super().get_page_size(request)
        assert size is not None  # page_size was just set
        return size

    def get_page_number(self, request, paginator) -> int | str:
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            # ?page=last asks for the real last page, so it needs the real count.
            paginator.count_exactly()
        return super().get_page_number(request, paginator)

    def paginate_queryset(self, queryset, request, view=None):
        """Return the page's objects, selecting their ids first.

        The filters and the order are applied to the ids alone (a cheap query
        on one table, however far the page); only the page's rows are then
        loaded with everything they embed. Upstream loads every skipped row
        of a far page with its joins.
        """
        if not isinstance(queryset, QuerySet):
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        paginator = self.django_paginator_class(
            queryset.values_list("pk", flat=True), self.get_page_size(request)
        )
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(self.invalid_page_message) from None
        ids = list(self.page.object_list)
        with fixed_join_order():
            rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids]

    def _page_link(self, number: int) -> str:
        assert self.request is not None  # set by paginate_queryset
        url = self.request.build_absolute_uri()
        # replace_query_param percent-encodes every value, so no raw comma
        # can end up inside a link and confuse naive splitting on ", ".
        return replace_query_param(url, self.page_query_param, number)

    def get_link_header(self) -> str:
        links = []
        next_url = self.get_next_link()
        if next_url is not None:
            links.append(f'<{next_url}>; rel="next"')
        prev_url = self.get_previous_link()
        if prev_url is not None:
            links.append(f'<{prev_url}>; rel="prev"')
        links.append(f'<{self._page_link(1)}>; rel="first"')
        assert self.page is not None  # set by paginate_queryset
        last = self.page.paginator.num_pages
        links.append(f'<{self._page_link(last)}>; rel="last"')
        return ", ".join(links)

    def get_paginated_response(self, data) -> Response:
        return Response(data, headers={"Link": self.get_link_header()})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # The body is the plain array; paging lives in the Link header.
        return schema
