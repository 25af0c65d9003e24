"""The patch list's GET filters (upstream's ``patchwork/filters.py`` semantics).

Each filter reads one query parameter, decides whether it applies, narrows
the queryset, and describes itself for the filter summary ("Show patches
with: State = Action Required | 12 patches"). Two filters are on by default
(action-required states, not archived); bundle pages turn those defaults off.
"""

from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlencode

from django.db.models import QuerySet

from apps.patches import selectors as patch_selectors
from apps.patches.models import Patch, State
from apps.people import selectors as people_selectors
from apps.people.models import Person, User

# The parameters the list keeps in its links (filters, then order and page).
FILTER_PARAMS = ("series", "submitter", "state", "q", "archive", "delegate")


def _as_int(value: str) -> int | None:
    value = value.strip()
    if value.isdigit():
        return int(value)
    return None


@dataclass
class Filter:
    """One parameter of the list; subclasses implement ``parse`` and ``apply``."""

    param: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # Default-on filters are removed by a parameter that turns them off.
    default_on: ClassVar[bool] = False
    off_value: ClassVar[str] = ""

    raw: str = ""
    active: bool = False
    # Shown in the summary, e.g. "Action Required".
    condition: str = ""
    # A forced filter (todo list delegate) is shown but cannot be removed.
    forced: bool = False

    def parse(self, raw: str) -> None:
        raise NotImplementedError

    def apply(self, patches: QuerySet[Patch]) -> QuerySet[Patch]:
        raise NotImplementedError


@dataclass
class SeriesFilter(Filter):
    param = "series"
    label = "Series"
    series_id: int | None = None

    def parse(self, raw: str) -> None:
        series_id = _as_int(raw)
        series = (
            patch_selectors.series_get(series_id) if series_id is not None else None
        )
        if series is None:
            return
        self.series_id = series.pk
        self.active = True
        self.condition = str(series)

    def apply(self, patches):
        return patches.filter(series_id=self.series_id)


@dataclass
class SubmitterFilter(Filter):
    param = "submitter"
    label = "Submitter"
    person: Person | None = None
    text: str = ""

    def parse(self, raw: str) -> None:
        raw = raw.strip()
        if not raw:
            return
        person_id = _as_int(raw)
        if person_id is not None:
            self.person = people_selectors.person_get(person_id)
            if self.person is not None:
                self.active = True
                self.condition = self.person.name or self.person.email
            return
        # Free text applies only when some submitter's name matches, so a
        # typo shows the unfiltered list rather than an empty one (upstream).
        if people_selectors.person_name_matches(raw):
            self.text = raw
            self.active = True
            self.condition = raw

    def apply(self, patches):
        if self.person is not None:
            if self.person.user_id is not None:
                return patches.filter(submitter__user_id=self.person.user_id)
            return patches.filter(submitter=self.person)
        return patches.filter(submitter__name__icontains=self.text)


@dataclass
class StateFilter(Filter):
    param = "state"
    label = "State"
    default_on = True
    off_value = "*"
    states: list[State] = field(default_factory=list)
    state: State | None = None
    any_state: bool = False

    def parse(self, raw: str) -> None:
        raw = raw.strip()
        if raw == "*":
            self.any_state = True
            return
        state_id = _as_int(raw)
        self.state = next((s for s in self.states if s.pk == state_id), None)
        self.active = True
        self.condition = self.state.name if self.state else "Action Required"

    def apply(self, patches):
        if self.state is not None:
            return patches.filter(state=self.state)
        # Ids rather than a join, so the list's indexes on state_id serve.
        wanted = [state.pk for state in self.states if state.action_required]
        return patches.filter(state_id__in=wanted)

    @property
    def form_value(self) -> str:
        if self.any_state:
            return "*"
        return str(self.state.pk) if self.state else ""


@dataclass
class SearchFilter(Filter):
    param = "q"
    label = "Search"

    def parse(self, raw: str) -> None:
        self.raw = raw.strip()
        if self.raw:
            self.active = True
            self.condition = self.raw

    def apply(self, patches):
        return patches.filter(name__icontains=self.raw)


@dataclass
class ArchiveFilter(Filter):
    param = "archive"
    label = "Archived"
    default_on = True
    off_value = "both"
    archived: bool | None = False

    def parse(self, raw: str) -> None:
        raw = raw.strip()
        if raw == "both":
            self.archived = None
            return
        self.archived = raw == "true"
        self.active = True
        self.condition = "Yes" if self.archived else "No"

    def apply(self, patches):
        return patches.filter(archived=self.archived)

    @property
    def form_value(self) -> str:
        if self.archived is None:
            return "both"
        return "true" if self.archived else ""


@dataclass
class DelegateFilter(Filter):
    param = "delegate"
    label = "Delegate"
    user: User | None = None
    nobody: bool = False
    text: str = ""

    def parse(self, raw: str) -> None:
        raw = raw.strip()
        if not raw:
            return
        if raw == "Nobody":
            self.nobody = True
            self.active = True
            self.condition = "Nobody"
            return
        user_id = _as_int(raw)
        if user_id is not None:
            self.user = people_selectors.user_get(user_id)
            if self.user is not None:
                self.active = True
                self.condition = self.user.username
            return
        if people_selectors.username_matches(raw):
            self.text = raw
            self.active = True
            self.condition = raw

    def force(self, user: User) -> None:
        self.user = user
        self.active = True
        self.forced = True
        self.condition = user.username

    def apply(self, patches):
        if self.nobody:
            return patches.filter(delegate__isnull=True)
        if self.user is not None:
            return patches.filter(delegate=self.user)
        return patches.filter(delegate__username__icontains=self.text)

    @property
    def form_value(self) -> str:
        if self.nobody:
            return "Nobody"
        return str(self.user.pk) if self.user else self.text


@dataclass
class SummaryItem:
    label: str
    condition: str
    # Query string of the same list without this filter; None if forced.
    remove_query: str | None


class PatchFilters:
    """All filters of one list page, parsed from the request's GET data.

    ``defaults`` False turns off the default-on filters (bundle pages show
    every member); ``forced_delegate`` pins the delegate (todo lists);
    ``with_delegate`` False drops the delegate filter (bundle pages).
    """

    def __init__(
        self,
        params,
        *,
        states: list[State],
        defaults: bool = True,
        forced_delegate: User | None = None,
        with_delegate: bool = True,
    ):
        self.params = params
        self.series = SeriesFilter()
        self.submitter = SubmitterFilter()
        self.state = StateFilter(states=states)
        self.search = SearchFilter()
        self.archive = ArchiveFilter()
        self.delegate = DelegateFilter() if with_delegate else None
        self.defaults = defaults
        for flt in self.all():
            raw = params.get(flt.param)
            if raw is None and flt.default_on and not defaults:
                raw = flt.off_value
            if raw is None and not flt.default_on:
                continue
            flt.raw = raw or ""
            flt.parse(flt.raw)
        if forced_delegate is not None and self.delegate is not None:
            self.delegate.force(forced_delegate)

    def all(self) -> list[Filter]:
        filters = [self.series, self.submitter, self.state, self.search, self.archive]
        if self.delegate is not None:
            filters.append(self.delegate)
        return filters

    def apply(self, patches: QuerySet[Patch]) -> QuerySet[Patch]:
        for flt in self.all():
            if flt.active:
                patches = flt.apply(patches)
        return patches

    def kept_params(self) -> dict[str, str]:
        """Return the filter parameters the request carried (for links)."""
        return {
            name: self.params[name]
            for name in FILTER_PARAMS
            if name in self.params and (self.delegate is not None or name != "delegate")
        }

    def summary(self) -> list[SummaryItem]:
        items = []
        kept = self.kept_params()
        for flt in self.all():
            if not flt.active:
                continue
            if flt.forced:
                remove = None
            else:
                without = {k: v for k, v in kept.items() if k != flt.param}
                if flt.default_on:
                    without[flt.param] = flt.off_value
                remove = urlencode(without)
            items.append(SummaryItem(flt.label, flt.condition, remove))
        return items
