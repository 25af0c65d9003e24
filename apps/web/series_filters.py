"""The series list's GET filters: a django-filter FilterSet over the domain base.

Like the patch list's (``apps.web.filters``), a value naming nothing is
ignored rather than refused, and the summary shows each active filter with
a link removing it. Nothing is filtered by default: a series list shows
every series of the project, newest first.
"""

import datetime as dt
from urllib.parse import urlencode

import django_filters

from apps.ids import parse_id
from apps.patches import filters as patch_filters
from apps.patches.models import State
from apps.people.models import Person
from apps.web.filters import SubmitterField, SummaryItem, _TextField, list_page_size

FILTER_PARAMS = ("submitter", "state", "version", "complete", "since", "before", "q")
# The state filter's value for series a newer version replaced.
SUPERSEDED = "superseded"


class SeriesStateField(_TextField):
    """A state id, or ``superseded``; anything else: no filter."""

    def __init__(self, *, states: list[State], **kwargs) -> None:
        self.states = states
        super().__init__(**kwargs)

    def read(self, text: str) -> State | str | None:
        if text == SUPERSEDED:
            return SUPERSEDED
        state_id = parse_id(text)
        return next((s for s in self.states if s.pk == state_id), None)


class VersionField(_TextField):
    def read(self, text: str) -> int | None:
        version = parse_id(text)
        return version if version is not None and version < 2**31 else None


class CompleteField(_TextField):
    """``yes``: series with all their patches; ``no``: still missing some."""

    def read(self, text: str) -> bool | None:
        return {"yes": True, "no": False}.get(text)


class DayField(_TextField):
    """A day, ``YYYY-MM-DD`` (UTC); anything else: no filter."""

    def read(self, text: str) -> dt.datetime | None:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _filter(field_class, apply):
    """Return a filter reading with ``field_class``, narrowing with ``apply``."""

    class _Filter(django_filters.Filter):
        def filter(self, qs, value):
            return qs if value is None else apply(qs, value)

    _Filter.field_class = field_class
    return _Filter()


def _by_state(series, value):
    if value == SUPERSEDED:
        return patch_filters.series_superseded(series, True)
    return patch_filters.series_in_state(series, value)


def _by_submitter(series, value):
    if isinstance(value, Person):
        return patch_filters.series_submitted_by(series, value)
    return series.filter(submitter__name__icontains=value)


class SeriesListFilterSet(patch_filters.SeriesFilterSet):
    submitter = _filter(SubmitterField, _by_submitter)
    state = _filter(SeriesStateField, _by_state)
    version = _filter(VersionField, lambda qs, v: qs.filter(version=v))
    complete = _filter(CompleteField, patch_filters.series_complete)
    since = _filter(DayField, lambda qs, v: qs.filter(date__gte=v))
    before = _filter(DayField, lambda qs, v: qs.filter(date__lt=v))
    q = _filter(_TextField, lambda qs, v: qs.filter(name__icontains=v))

    def __init__(self, params, queryset, *, request, states: list[State]) -> None:
        super().__init__(params, queryset, request=request)
        self.params = params
        self.filters["state"].extra["states"] = states

    def page_size(self) -> int:
        return list_page_size(self.request)

    def chosen(self) -> dict:
        self.qs  # noqa: B018 - cleans the form
        return self.form.cleaned_data

    def kept_params(self) -> dict[str, str]:
        return {
            name: self.params[name] for name in FILTER_PARAMS if name in self.params
        }

    def summary(self) -> list[SummaryItem]:
        kept = self.kept_params()
        items = []
        for name, value in self.chosen().items():
            if value is None:
                continue
            without = urlencode({k: v for k, v in kept.items() if k != name})
            items.append(SummaryItem(_LABELS[name], _condition(name, value), without))
        return items


_LABELS = {
    "submitter": "Submitter",
    "state": "State",
    "version": "Version",
    "complete": "Complete",
    "since": "Since",
    "before": "Before",
    "q": "Search",
}


def _condition(name: str, value) -> str:
    if isinstance(value, State):
        return value.name
    if isinstance(value, Person):
        return value.name or value.email
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}"
    return str(value)
