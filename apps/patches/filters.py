"""What patch lists filter by, shared by the REST API's list and the web list.

Both are django-filter FilterSets deriving from ``PatchFilterSet``. Their
query parameters differ, as upstream's do (the web list takes ``archive``,
``q`` and a delegate "Nobody"; the API takes ``archived``, ``hash`` and
repeated references): each interface declares its parameters in its
subclass (``apps.api.filters``, ``apps.web.filters``), and the narrowing both
need lives here.

Subject search is decided in one place, ``patch_search_term``: how a
search term matches a patch. The web list's ``q`` searches with its whole
text (``search_patches``), the REST API ANDs its ``q`` terms (upstream's two
behaviours). The search language (``apps.patches.search``) is the
``search`` parameter of both, through ``SearchFilter``.
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.patches.models import Patch, Series, State
from apps.patches.search import SearchError, search_condition
from apps.people.models import Person, User


def patch_search_term(term: str) -> Q:
    """Return the condition of patches a search term finds: in the name, any case."""
    return Q(name__icontains=term)


def search_patches(patches: QuerySet[Patch], text: str) -> QuerySet[Patch]:
    """Return the patches the search text ``text`` (taken whole) finds."""
    return patches.filter(patch_search_term(text))


def needing_action(
    patches: QuerySet[Patch], states: Iterable[State]
) -> QuerySet[Patch]:
    """Return the patches in an action-required state among ``states``.

    Matched by state id rather than through a join, so the list indexes on
    ``state_id`` serve.
    """
    wanted = [state.pk for state in states if state.action_required]
    return patches.filter(state_id__in=wanted)


def submitted_by(patches: QuerySet[Patch], person: Person) -> QuerySet[Patch]:
    """Return the patches ``person`` sent: from any address of their account."""
    if person.user_id is not None:
        return patches.filter(submitter__user_id=person.user_id)
    return patches.filter(submitter=person)


def delegated_to(patches: QuerySet[Patch], user: User | None) -> QuerySet[Patch]:
    """Return the patches delegated to ``user`` (None: delegated to nobody)."""
    if user is None:
        return patches.filter(delegate__isnull=True)
    return patches.filter(delegate=user)


class SearchField(forms.Field):
    """A search in the language; cleans to its condition, or None if blank.

    Invalid text is a ValidationError carrying the language's message.
    """

    def __init__(self, *, model: type, **kwargs) -> None:
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value):
        text = (value or "").strip()
        try:
            return search_condition(self.model, text) if text else None
        except SearchError as exc:
            raise ValidationError(str(exc), code="search") from None


class SearchFilter(django_filters.Filter):
    """The ``search`` parameter; pass the listed model (``model=Patch``)."""

    field_class = SearchField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(value)


class PatchFilterSet(django_filters.FilterSet):
    """The base of every patch list's filters (declares no parameter itself)."""

    class Meta:
        model = Patch
        fields: tuple[str, ...] = ()


# --- Series -------------------------------------------------------------------


def series_submitted_by(series: QuerySet[Series], person: Person) -> QuerySet[Series]:
    """Return the series ``person`` sent: from any address of their account."""
    if person.user_id is not None:
        return series.filter(submitter__user_id=person.user_id)
    return series.filter(submitter=person)


def series_in_state(series: QuerySet[Series], state: State) -> QuerySet[Series]:
    """Return the series whose patches are all in ``state`` (and that have one)."""
    members = Patch.objects.filter(series_id=OuterRef("pk"))
    return series.filter(Exists(members.filter(state=state))).exclude(
        Exists(members.exclude(state=state))
    )


def series_complete(series: QuerySet[Series], complete: bool) -> QuerySet[Series]:
    """Return the series that received all their patches (or, False, not all).

    ``series`` must carry ``received_total``
    (``apps.patches.selectors.annotations.with_received_counts``).
    """
    received_all = Q(total__lte=models.F("received_total"))
    return series.filter(received_all if complete else ~received_all)


def series_superseded(series: QuerySet[Series], superseded: bool) -> QuerySet[Series]:
    """Return the series a newer version names as its previous (False: the others)."""
    newer = Exists(Series.objects.filter(previous_version_id=OuterRef("pk")))
    return series.filter(newer if superseded else ~newer)


class SeriesFilterSet(django_filters.FilterSet):
    """The base of every series list's filters (declares no parameter itself)."""

    class Meta:
        model = Series
        fields: tuple[str, ...] = ()
