"""A paginator whose cost does not grow with the list: exact counts up to a limit.

Numbering the last page needs the number of matching rows, and counting
them costs as much as the list is long: 0.4 s for the events of a project
with two million of them, on every request. ``BoundedPaginator`` counts
exactly up to ``settings.PAGINATION_EXACT_COUNT`` rows (``SELECT count(*)``
over a ``LIMIT``, so the count stops there) and past that takes PostgreSQL's
planner estimate of the row count, which costs one ``EXPLAIN``. What a
client navigates by stays exact whatever the count: a page is shown
if it has rows, and whether a next page exists is read from the rows
(the page is read one row longer). Only the number of the last page is
approximate, and never smaller than the pages known to exist.

SQLite has no row estimates; there (and with the limit set to 0) counts are
always exact, as with Django's own ``Paginator``.
"""

import json
import math
from functools import cached_property

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet

_LARGEST_OFFSET = 2**62


class BoundedPaginator(Paginator):
    """Django's ``Paginator``, reading the page first and counting only if needed.

    ``object_list`` should be an ordered queryset of ids. A page is read one
    row longer than its size: if no row is left over, the page is the last
    and the count follows from it, with no count query (a search with fewer
    matches than a page runs its match once). Otherwise the rows are
    counted up to the limit and estimated past it. ``count_is_exact`` tells
    whether ``count`` (and ``num_pages``) are exact.
    """

    def __init__(self, object_list, per_page: int, *, exact_limit: int | None = None):
        super().__init__(object_list, per_page)
        self.exact_limit = (
            settings.PAGINATION_EXACT_COUNT if exact_limit is None else exact_limit
        )
        self.count_is_exact = True

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if (
            not self.exact_limit
            or not isinstance(queryset, QuerySet)
            or not can_estimate(queryset.db)
        ):
            return super().count
        # order_by(): counting needs no order, and a sort would read every row.
        bounded = queryset.order_by()[: self.exact_limit + 1].count()
        if bounded <= self.exact_limit:
            return bounded
        self.count_is_exact = False
        return max(bounded, planner_estimate(queryset))

    def count_exactly(self) -> None:
        """Count exactly from now on, replacing an estimate already made."""
        self.exact_limit = 0
        if not self.count_is_exact:
            self.__dict__.pop("count", None)
            self.__dict__.pop("num_pages", None)
            self.count_is_exact = True

    def page(self, number) -> Page:
        """Return page ``number``, or raise ``EmptyPage`` past the end."""
        number = self._at_least_one(number)
        bottom = (number - 1) * self.per_page
        # An offset past what a database integer holds is past any end.
        top = bottom + self.per_page + 1
        rows = [] if top > _LARGEST_OFFSET else list(self.object_list[bottom:top])
        if not rows and number > 1:
            # Past the end: count exactly, and let the caller choose (the
            # API answers 404, the web shows the last page).
            self.count_exactly()
            return super().page(number)
        if len(rows) <= self.per_page:
            # The last page (or the empty first one): the count follows.
            self._known(count=bottom + len(rows), pages=number)
            self.count_is_exact = True
        else:
            # At least the rows read exist, whatever an estimate says.
            count = max(self.count, bottom + len(rows))
            self._known(count=count, pages=math.ceil(count / self.per_page))
        return Page(rows[: self.per_page], number, self)

    def _known(self, *, count: int, pages: int) -> None:
        self.__dict__["count"] = count
        self.__dict__["num_pages"] = pages

    def _at_least_one(self, number) -> int:
        # validate_number without its comparison with a count not made yet.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


def can_estimate(alias: str) -> bool:
    """Whether the database behind ``alias`` estimates row counts."""
    return connections[alias].vendor == "postgresql"


def planner_estimate(queryset: QuerySet) -> int:
    """Return PostgreSQL's estimate of how many rows ``queryset`` matches."""
    # Django joins the rows of EXPLAIN's output; in JSON they are one object.
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
