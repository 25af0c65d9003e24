"""The patch list's GET filters (upstream's ``patchwork/filters.py`` semantics).

``PatchListFilterSet`` is the web's django-filter FilterSet over the domain's
``apps.patches.filters.PatchFilterSet``. Each parameter's form field reads
its value (a value naming nothing is ignored, as upstream ignores it) and
its filter narrows the list. What only the web has lives here: two filters
on by default (action-required states, not archived; bundle pages turn them
off), a delegate pinned by the todo list, and the summary "Show patches
with: State = Action Required" with links removing each filter.
"""

from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.db.models import QuerySet

from apps.ids import parse_id
from apps.patches import filters as patch_filters
from apps.patches import selectors as patch_selectors
from apps.patches.models import Patch, Series, State
from apps.people import selectors as people_selectors
from apps.people.models import MAX_ITEMS_PER_PAGE, Person, User

# The parameters the list keeps in its links (filters, then order and page).
FILTER_PARAMS = ("series", "submitter", "state", "q", "search", "archive", "delegate")
# The values turning the default-on filters off.
ANY_STATE = "*"
BOTH = "both"
NOBODY = "Nobody"


class _TextField(forms.Field):
    """A stripped text value; subclasses turn it into what it names."""

    def clean(self, value):
        return self.read((value or "").strip())

    def read(self, text: str):
        return text or None


class SeriesField(_TextField):
    def read(self, text: str) -> Series | None:
        series_id = parse_id(text)
        return patch_selectors.series_get(series_id) if series_id else None


class SubmitterField(_TextField):
    """A person's id, or a name some submitter's name contains."""

    def read(self, text: str) -> Person | str | None:
        if not text:
            return None
        person_id = parse_id(text)
        if person_id is not None:
            return people_selectors.person_get(person_id)
        # Free text applies only when some submitter's name matches, so a
        # typo shows the unfiltered list rather than an empty one (upstream).
        return text if people_selectors.person_name_matches(text) else None


class DelegateField(_TextField):
    """A user's id, ``Nobody``, or text some username contains."""

    def read(self, text: str) -> User | str | None:
        if not text or text == NOBODY:
            return text or None
        user_id = parse_id(text)
        if user_id is not None:
            return people_selectors.user_get(user_id)
        return text if people_selectors.username_matches(text) else None


class StateField(_TextField):
    """``*`` (any state), a state id, or anything else: action required."""

    def __init__(self, *, states: list[State], **kwargs) -> None:
        self.states = states
        super().__init__(**kwargs)

    def read(self, text: str) -> State | str:
        if text == ANY_STATE:
            return ANY_STATE
        state_id = parse_id(text)
        found = next((s for s in self.states if s.pk == state_id), None)
        return found if found is not None else ""


class ArchiveField(_TextField):
    """``true``: archived only; ``both``: everything; anything else: unarchived."""

    def read(self, text: str) -> bool | None:
        return None if text == BOTH else text == "true"


class SeriesFilter(django_filters.Filter):
    field_class = SeriesField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(series_id=value.pk)


class SubmitterFilter(django_filters.Filter):
    field_class = SubmitterField

    def filter(self, qs, value):
        if isinstance(value, Person):
            return patch_filters.submitted_by(qs, value)
        return qs if value is None else qs.filter(submitter__name__icontains=value)


class DelegateFilter(django_filters.Filter):
    field_class = DelegateField

    def filter(self, qs, value):
        if value is None:
            return qs
        if isinstance(value, User) or value == NOBODY:
            return patch_filters.delegated_to(qs, value if value != NOBODY else None)
        return qs.filter(delegate__username__icontains=value)


class StateFilter(django_filters.Filter):
    field_class = StateField

    def filter(self, qs, value):
        if value == ANY_STATE:
            return qs
        if isinstance(value, State):
            return qs.filter(state=value)
        return patch_filters.needing_action(qs, self.extra["states"])


class SearchFilter(django_filters.Filter):
    field_class = _TextField

    def filter(self, qs, value):
        return qs if value is None else patch_filters.search_patches(qs, value)


class ArchiveFilter(django_filters.Filter):
    field_class = ArchiveField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(archived=value)


class PatchListFilterSet(patch_filters.PatchFilterSet):
    """The web list's filters, read from the request's GET data.

    ``defaults`` False turns off the default-on filters (bundle pages show
    every member); ``forced_delegate`` pins the delegate (todo lists);
    ``with_delegate`` False drops the delegate filter (bundle pages).
    """

    series = SeriesFilter()
    submitter = SubmitterFilter()
    state = StateFilter()
    q = SearchFilter()
    # The search language; ``q`` keeps upstream's subject search.
    search = patch_filters.SearchFilter(model=Patch)
    archive = ArchiveFilter()
    delegate = DelegateFilter()

    # Default-on filters and the value turning each off.
    DEFAULT_ON = {"state": ANY_STATE, "archive": BOTH}

    def __init__(
        self,
        params,
        queryset: QuerySet[Patch],
        *,
        request,
        states: list[State],
        defaults: bool = True,
        forced_delegate: User | None = None,
        with_delegate: bool = True,
    ) -> None:
        data = params.copy()
        for name, off in self.DEFAULT_ON.items():
            if name not in data:
                data[name] = "" if defaults else off
        if forced_delegate is not None:
            data.pop("delegate", None)  # pinned below, not read
        super().__init__(data, queryset, request=request)
        self.params = params
        self.forced_delegate = forced_delegate
        self.filters["state"].extra["states"] = states
        if not with_delegate:
            del self.filters["delegate"]

    def page_size(self) -> int:
        return list_page_size(self.request)

    def filter_queryset(self, queryset):
        if self.forced_delegate is not None:
            self.form.cleaned_data["delegate"] = self.forced_delegate
        if self.search_error():
            return queryset.none()  # the page says why instead
        return super().filter_queryset(queryset)

    def search_error(self) -> str | None:
        """Return why the search text is not a valid search (None if it is)."""
        errors = self.form.errors.get("search")
        return errors[0] if errors else None

    def chosen(self) -> dict:
        """Return what each parameter selected (None: that filter is off)."""
        self.qs  # noqa: B018 - cleans the form and pins a forced delegate
        return self.form.cleaned_data

    def kept_params(self) -> dict[str, str]:
        """Return the filter parameters the request carried (for links)."""
        return {
            name: self.params[name]
            for name in FILTER_PARAMS
            if name in self.params and name in self.filters
        }

    def summary(self) -> list["SummaryItem"]:
        """Return the active filters as the summary shows them, in order."""
        kept = self.kept_params()
        items = []
        for name, value in self.chosen().items():
            if name == "search" and value is not None:
                value = kept["search"]  # the text, not its compiled condition
            condition = _condition(name, value)
            if condition is None:
                continue
            remove = None
            if not (name == "delegate" and self.forced_delegate is not None):
                without = {k: v for k, v in kept.items() if k != name}
                if name in self.DEFAULT_ON:
                    without[name] = self.DEFAULT_ON[name]
                remove = urlencode(without)
            items.append(SummaryItem(_LABELS[name], condition, remove))
        return items


_LABELS = {
    "series": "Series",
    "submitter": "Submitter",
    "state": "State",
    "q": "Subject",
    "search": "Search",
    "archive": "Archived",
    "delegate": "Delegate",
}


def _condition(name: str, value) -> str | None:
    """Return how the summary shows a parameter's value (None: not filtering)."""
    if value is None or value == ANY_STATE:
        return None
    if name == "state":
        return value.name if isinstance(value, State) else "Action Required"
    if name == "archive":
        return "Yes" if value else "No"
    if isinstance(value, Person):
        return value.name or value.email
    if isinstance(value, User):
        return value.username
    return str(value)


@dataclass
class SummaryItem:
    label: str
    condition: str
    # Query string of the same list without this filter; None if forced.
    remove_query: str | None


@dataclass
class FilterForm:
    """What the list's filter form shows: each parameter's current value."""

    summary: list[SummaryItem]
    series: SimpleNamespace
    submitter: SimpleNamespace
    state: SimpleNamespace
    search: SimpleNamespace
    # The search language's box: its text and why it is invalid, if it is.
    query: SimpleNamespace
    archive: SimpleNamespace
    # None when the list has no delegate filter (bundle pages).
    delegate: SimpleNamespace | None


def _choice_value(value) -> str:
    return str(value.pk) if value is not None and hasattr(value, "pk") else value or ""


def filter_form(filterset: PatchListFilterSet) -> FilterForm:
    """Return the filter form's values and summary for ``filterset``."""
    chosen = filterset.chosen()
    series, state, delegate = chosen["series"], chosen["state"], chosen.get("delegate")
    submitter, archive = chosen["submitter"], chosen["archive"]
    return FilterForm(
        summary=filterset.summary(),
        series=SimpleNamespace(series_id=series.pk if series else None),
        submitter=SimpleNamespace(
            person=submitter if isinstance(submitter, Person) else None,
            text=submitter if isinstance(submitter, str) else "",
        ),
        state=SimpleNamespace(
            state=state if isinstance(state, State) else None,
            form_value=_choice_value(state),
        ),
        search=SimpleNamespace(raw=chosen["q"] or ""),
        query=SimpleNamespace(
            text=filterset.params.get("search", ""),
            error=filterset.search_error(),
            # The other filters, kept as hidden fields of the search box.
            kept=[(k, v) for k, v in filterset.kept_params().items() if k != "search"],
        ),
        archive=SimpleNamespace(
            form_value=BOTH if archive is None else ("true" if archive else "")
        ),
        delegate=None
        if "delegate" not in filterset.filters
        else SimpleNamespace(
            user=delegate if isinstance(delegate, User) else None,
            nobody=delegate == NOBODY,
            forced=filterset.forced_delegate is not None,
            form_value=_choice_value(delegate),
        ),
    )


def list_page_size(request) -> int:
    """Return the rows per page of a list: the user's profile's, else the site's."""
    user = request.user
    if user.is_authenticated:
        # Clamped again here: rows written before the bound was enforced.
        return min(max(1, user.items_per_page), MAX_ITEMS_PER_PAGE)
    return max(1, settings.DEFAULT_ITEMS_PER_PAGE)
