"""The series list: filters, order, page and links, as ``listing`` does for patches."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F

from apps.paging import BoundedPaginator
from apps.patches import selectors as patch_selectors
from apps.patches.models import Series, State
from apps.web.filters import SummaryItem
from apps.web.listing import PageLink, PageLinks, SortHeader, choose_page, count_label
from apps.web.series_filters import SeriesListFilterSet

# order parameter -> model field.
ORDER_FIELDS = {
    "date": "date",
    "name": "name",
    "version": "version",
    "submitter": "submitter__name",
}
_SORTABLE = (
    ("name", "Series"),
    ("version", "Version"),
    ("date", "Date"),
    ("submitter", "Submitter"),
)


def _order_by(key: str, descending: bool) -> list:
    if key == "date":
        return ["-date", "-id"] if descending else ["date", "id"]
    field = F(ORDER_FIELDS[key])
    primary = field.desc(nulls_last=True) if descending else field.asc()
    return [primary, "-date", "-id"]


def _parse_order(raw: str | None) -> tuple[str, bool]:
    raw = (raw or "").strip()
    key = raw.removeprefix("-")
    if key not in ORDER_FIELDS:
        return "date", True
    return key, raw.startswith("-")


@dataclass
class SeriesList:
    rows: list[Series]
    # The number of matching series as shown ("about ..." past the exact count).
    total: str
    pages: list[PageLink]
    previous_href: str | None
    next_href: str | None
    summary: list[SummaryItem]
    chosen: dict
    sort_headers: dict[str, SortHeader]
    states: list[State]
    # Query string of the current view, for the bulk form's action.
    query: str


def build_series_list(request, *, series, states: list[State]) -> SeriesList:
    """Filter, order and paginate ``series`` as the request asks."""
    filters = SeriesListFilterSet(request.GET, series, request=request, states=states)
    key, descending = _parse_order(request.GET.get("order"))
    order_by = _order_by(key, descending)
    filtered = filters.qs
    paginator = BoundedPaginator(
        filtered.order_by(*order_by).values_list("pk", flat=True),
        filters.page_size(),
    )
    page = choose_page(paginator, request.GET.get("page"))
    number = page.number
    rows = patch_selectors.series_list_page(
        order_by=order_by, page_ids=list(page), states=states
    )
    kept = filters.kept_params()
    chosen_order = {"order": request.GET["order"]} if "order" in request.GET else {}
    links = PageLinks({**kept, **chosen_order})
    return SeriesList(
        rows=rows,
        total=count_label(paginator),
        summary=filters.summary(),
        chosen=filters.chosen(),
        sort_headers=_sort_headers(kept, key, descending),
        states=states,
        **links.around(number, paginator.num_pages),
    )


def _sort_headers(kept: dict, key: str, descending: bool) -> dict[str, SortHeader]:
    headers = {}
    for name, title in _SORTABLE:
        active = name == key
        target = (name if descending else f"-{name}") if active else name
        direction = ("desc" if descending else "asc") if active else None
        href = "?" + urlencode({**kept, "order": target})
        headers[name] = SortHeader(name, title, href, direction)
    return headers
