"""The patch list engine shared by the project list, bundle pages and todo lists.

They differ only in their base queryset, forced filters and ordering; this
module turns a request plus those choices into what the list template shows:
filter summary, sort links, page navigator and the page's rows.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page
from django.db.models import F, QuerySet

from apps.paging import BoundedPaginator
from apps.patches import selectors as patch_selectors
from apps.patches.models import Patch, State, Tag
from apps.people.models import User
from apps.web.filters import FilterForm, PatchListFilterSet, filter_form

# order parameter -> model field.
ORDER_FIELDS = {
    "date": "date",
    "name": "name",
    "state": "state__ordering",
    "submitter": "submitter__name",
    "delegate": "delegate__username",
}
# Bundle order: the order the owner gave the bundle (not a URL parameter).
BUNDLE_ORDER = "bundle"


@dataclass(frozen=True)
class ListOrder:
    key: str
    descending: bool

    @classmethod
    def parse(cls, raw: str | None, *, default: "ListOrder") -> "ListOrder":
        raw = (raw or "").strip()
        descending = raw.startswith("-")
        key = raw.removeprefix("-")
        if key not in ORDER_FIELDS:
            return default
        return cls(key, descending)

    @property
    def param(self) -> str:
        return ("-" if self.descending else "") + self.key

    def order_by(self) -> list:
        if self.key == BUNDLE_ORDER:
            return ["bundle_order", "id"]
        field = ORDER_FIELDS[self.key]
        if self.key == "date":
            # Plain DESC (dates are never null), so the list indexes serve
            # the default order by scanning backwards.
            return ["-date", "-id"] if self.descending else ["date", "id"]
        primary = F(field).desc(nulls_last=True) if self.descending else F(field).asc()
        # Date breaks ties, running against the primary direction (upstream).
        tie = "date" if self.descending else "-date"
        return [primary, tie, "id"]


DATE_DESCENDING = ListOrder("date", True)
IN_BUNDLE_ORDER = ListOrder(BUNDLE_ORDER, False)


def page_numbers(current: int, last: int) -> list[int | None]:
    """Return the page numbers the navigator shows; None marks an ellipsis."""
    if last <= 4:
        shown = set(range(1, last + 1))
    elif current < 4:
        shown = {1, 2, 3, 4, last - 1, last}
    elif current >= last - 2:
        shown = {1, 2, *range(last - 3, last + 1)}
    else:
        shown = {1, 2, current - 1, current, current + 1, last - 1, last}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number > previous + 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def choose_page(paginator: BoundedPaginator, raw: str | None) -> Page:
    """Return the page ``raw`` names; a bad number gives the nearest page.

    Unlike ``Paginator.get_page`` (which gives the last page for 0 or a
    negative number), anything below 1 or not a number means the first;
    past the end means the last.
    """
    try:
        number = max(int(raw or "1"), 1)
    except ValueError:
        number = 1
    try:
        return paginator.page(number)
    except EmptyPage:
        # The paginator has counted exactly to find that out.
        return paginator.page(paginator.num_pages)


def count_label(paginator: BoundedPaginator) -> str:
    """Return the list's row count as shown, "about ..." when estimated."""
    count = paginator.count
    if paginator.count_is_exact:
        return str(count)
    # Three significant figures: the estimate is not more precise than that.
    return f"about {round(count, 3 - len(str(count)))}"


@dataclass
class SortHeader:
    key: str
    title: str
    # None: not a link (bundle order shown to its owner).
    href: str | None
    # "asc" / "desc" on the active column.
    direction: str | None


@dataclass
class PageLink:
    number: int | None
    href: str
    current: bool


@dataclass
class PatchList:
    rows: list[patch_selectors.PatchRow]
    # The number of matching patches as shown ("about ..." past the exact count).
    total: str
    total_is_one: bool
    pages: list[PageLink]
    previous_href: str | None
    next_href: str | None
    filters: FilterForm
    order: ListOrder
    sort_headers: dict[str, SortHeader]
    tags: list[Tag]
    states: list[State]
    # Query string of the current view (filters, order, page) for form actions.
    query: str
    # Query string of the filters alone (the list's feed link).
    filter_query: str


def build_patch_list(
    request,
    *,
    patches: QuerySet[Patch],
    states: list[State] | None = None,
    default_filters: bool = True,
    forced_delegate: User | None = None,
    with_delegate: bool = True,
    default_order: ListOrder = DATE_DESCENDING,
    sortable: bool = True,
) -> PatchList:
    """Filter, order and paginate ``patches`` as the request asks."""
    states = states if states is not None else patch_selectors.state_list()
    filters = PatchListFilterSet(
        request.GET,
        patches,
        request=request,
        states=states,
        defaults=default_filters,
        forced_delegate=forced_delegate,
        with_delegate=with_delegate,
    )
    order = (
        ListOrder.parse(request.GET.get("order"), default=default_order)
        if sortable
        else default_order
    )
    filtered = filters.qs
    paginator = BoundedPaginator(
        filtered.order_by(*order.order_by()).values_list("pk", flat=True),
        filters.page_size(),
    )
    page = choose_page(paginator, request.GET.get("page"))
    number = page.number
    tags = patch_selectors.tag_columns()
    rows = patch_selectors.patch_list_page(
        filtered, order_by=order.order_by(), page_ids=list(page), tags=tags
    )
    kept = filters.kept_params()
    # Page links keep an explicitly chosen order (upstream drops it).
    chosen = sortable and "order" in request.GET and order.key in ORDER_FIELDS
    links = PageLinks({**kept, **({"order": order.param} if chosen else {})})
    return PatchList(
        rows=rows,
        total=count_label(paginator),
        total_is_one=paginator.count == 1,
        filters=filter_form(filters),
        order=order,
        sort_headers=_sort_headers(kept, order, sortable),
        filter_query=urlencode(kept),
        tags=tags,
        states=states,
        **links.around(number, paginator.num_pages),
    )


@dataclass
class PageLinks:
    """Links to the list's pages, keeping its filters (and a chosen order)."""

    params: dict[str, str]

    def href(self, page: int) -> str:
        return "?" + urlencode({**self.params, "page": page})

    def around(self, number: int, last: int) -> dict:
        """Return the navigator's links and the current view's query string."""
        pages = [
            PageLink(n, self.href(n) if n else "", n == number)
            for n in page_numbers(number, last)
        ]
        return {
            "pages": pages if last > 1 else [],
            "previous_href": self.href(number - 1) if number > 1 else None,
            "next_href": self.href(number + 1) if number < last else None,
            "query": urlencode(
                {**self.params, **({"page": number} if number > 1 else {})}
            ),
        }


_SORTABLE = (
    ("name", "Patch"),
    ("date", "Date"),
    ("submitter", "Submitter"),
    ("delegate", "Delegate"),
    ("state", "State"),
)


def _sort_headers(
    kept: dict[str, str], order: ListOrder, sortable: bool
) -> dict[str, SortHeader]:
    headers = {}
    for key, title in _SORTABLE:
        if not sortable:
            headers[key] = SortHeader(key, title, None, None)
            continue
        active = order.key == key
        if active:
            target = key if order.descending else f"-{key}"
            direction = "desc" if order.descending else "asc"
        else:
            target, direction = key, None
        href = "?" + urlencode({**kept, "order": target})
        headers[key] = SortHeader(key, title, href, direction)
    return headers
