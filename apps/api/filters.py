"""Query-string filters of the list endpoints, with upstream's semantics.

* A reference filter (``project=``, ``state=`` ...) may be repeated; values
  are ORed. A value that names nothing (unknown id, name or e-mail, a
  non-numeric id) empties the whole result instead of causing a 400, and one
  bad value among several empties it too.
* A value made only of digits is an id; there is no fallback to a name.
* Empty values are ignored (upstream returns nothing for ``project=``, which
  breaks git-pw's "all projects" setting; see rest-api.md §6.1 Deviation).
* Filters added in a later API version are ignored for older requests.
* ``search=`` (API 1.5) is the exception to the first rule: text that is not
  a valid search is a 400 whose body says why, since a person wrote it.
"""

import datetime as dt
from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms.widgets import MultipleHiddenInput
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from apps.api.versioning import hidden_names
from apps.bundles.models import Bundle
from apps.checks.models import Check
from apps.events.models import Event
from apps.ids import parse_id
from apps.patches import filters as patch_filters
from apps.patches.models import Cover, Patch, Series, State
from apps.people.models import Person, User
from apps.projects.models import Project

# --- Value lookups ----------------------------------------------------------

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "on", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "off", "0"})


def parse_bool(value: str) -> bool | None:
    """Return the boolean a query value spells (§2.4), or None if it spells none.

    Accepted in lower case, capitalised or upper case (``True``, ``NO``).
    """
    if value not in (value.lower(), value.capitalize(), value.upper()):
        return None
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_datetime(value: str) -> dt.datetime | None:
    """Parse an ISO 8601 date or date-time; naive values are read as UTC.

    A value with ``Z`` or an offset is converted to UTC rather than crashing
    as upstream does (rest-api.md §6.1 Deviation).
    """
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


Resolver = Callable[[str], Q | None]


def id_or(alternate: str | None) -> Resolver:
    """Match digits as an id, anything else through ``alternate`` (iexact)."""

    def resolve(value: str) -> Q | None:
        if value.isascii() and value.isdigit():
            pk = parse_id(value)
            return Q(pk=pk) if pk is not None else None
        if alternate is None:
            return None
        return Q(**{f"{alternate}__iexact": value})

    return resolve


def state_lookup(value: str) -> Q | None:
    """Match a state by id, by name with ``-`` for spaces, or by slug.

    Upstream only matches the name; the slug is accepted too (identical for
    the ten default states; rest-api.md §6.2 Deviation).
    """
    if value.isascii() and value.isdigit():
        pk = parse_id(value)
        return Q(pk=pk) if pk is not None else None
    return Q(name__iexact=value.replace("-", " ")) | Q(slug__iexact=value)


def resolve_ids(model: type[Model], resolver: Resolver, values: Iterable[str]):
    """Return the ids named by ``values``; raise ValidationError if one names none."""
    ids: set[int] = set()
    for value in values:
        condition = resolver(value)
        found = (
            list(model._default_manager.filter(condition).values_list("pk", flat=True))
            if condition is not None
            else []
        )
        if not found:
            raise ValidationError(
                "Select a valid choice. %(value)s is not one.",
                params={"value": value},
                code="invalid_choice",
            )
        ids.update(found)
    return sorted(ids)


# --- Form fields and filters ------------------------------------------------


class ReferenceField(forms.Field):
    """Repeated query values naming objects; cleans to a list of ids or None."""

    widget = MultipleHiddenInput

    def __init__(self, *, model: type[Model], resolver: Resolver, **kwargs) -> None:
        self.model = model
        self.resolver = resolver
        super().__init__(**kwargs)

    def clean(self, value):
        values = [item for item in (value or []) if item != ""]
        if not values:
            return None
        return resolve_ids(self.model, self.resolver, values)


@extend_schema_field(
    {
        "type": "string",
        "description": "An id, or a name where the filter takes one; "
        "repeat the parameter to match any of several.",
    }
)
class ReferenceFilter(django_filters.Filter):
    field_class = ReferenceField

    def __init__(self, field_name: str, *, model, resolver: Resolver, **kwargs):
        super().__init__(field_name, model=model, resolver=resolver, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class LenientBooleanField(forms.Field):
    """A boolean in any of §2.4's spellings; anything else means "no filter"."""

    def clean(self, value):
        if not value:
            return None
        return parse_bool(value)


@extend_schema_field({"type": "boolean"})
class BooleanFilter(django_filters.Filter):
    field_class = LenientBooleanField

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value})


class UtcDateTimeField(forms.Field):
    def clean(self, value):
        if not value:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValidationError("Enter a valid date/time.", code="invalid")
        return parsed


@extend_schema_field({"type": "string", "format": "date-time"})
class DateFilter(django_filters.Filter):
    field_class = UtcDateTimeField


@extend_schema_field({"type": "string"})
class ExactFilter(django_filters.Filter):
    """A single text value compared exactly; ``transform`` adapts it first."""

    field_class = forms.CharField

    def __init__(self, field_name: str, *, transform=None, **kwargs) -> None:
        self.transform = transform
        super().__init__(field_name, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        if self.transform is not None:
            value = self.transform(value)
        return qs.filter(**{self.field_name: value})


class CheckStateField(forms.Field):
    """A check state by code (``0``-``3``) or by name (upstream: codes only)."""

    widget = MultipleHiddenInput

    def clean(self, value):
        values = [item for item in (value or []) if item != ""]
        if not values:
            return None
        names = {label: code for code, label in Check.State.choices}
        codes = []
        for item in values:
            code = parse_id(item) if item.isascii() else None
            if code is not None and code in names.values():
                codes.append(code)
            elif item in names:
                codes.append(names[item])
            else:
                raise ValidationError("Not a check state.", code="invalid_choice")
        return codes


@extend_schema_field(
    {"type": "string", "description": "pending, success, warning, fail or 0-3."}
)
class CheckStateFilter(django_filters.Filter):
    field_class = CheckStateField

    def filter(self, qs: QuerySet, value) -> QuerySet:
        return qs if value is None else qs.filter(state__in=value)


@extend_schema_field(
    {
        "type": "string",
        "description": 'A search in the search language: words, "phrases" and '
        "prefixed terms (from:, file:, diff:, is:, ...); see /help/search/. "
        "Invalid text is a 400 naming what is wrong.",
    }
)
class SearchFilter(patch_filters.SearchFilter):
    pass


def project_filter(field_name: str = "project") -> ReferenceFilter:
    return ReferenceFilter(field_name, model=Project, resolver=id_or("linkname"))


def person_filter(field_name: str = "submitter") -> ReferenceFilter:
    return ReferenceFilter(field_name, model=Person, resolver=id_or("email"))


def user_filter(field_name: str) -> ReferenceFilter:
    return ReferenceFilter(field_name, model=User, resolver=id_or("username"))


def id_filter(field_name: str, model: type[Model]) -> ReferenceFilter:
    return ReferenceFilter(field_name, model=model, resolver=id_or(None))


def with_brackets(msgid: str) -> str:
    return f"<{msgid}>"


# --- Filter sets ------------------------------------------------------------


class VersionedFilterSet(django_filters.FilterSet):
    """Drop the filters that ``Meta.fields_since`` dates after the request."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields_since = getattr(self.Meta, "fields_since", None)
        if fields_since:
            for name in hidden_names(self.request, fields_since):
                self.filters.pop(name, None)


class DateRangeFilterSet(VersionedFilterSet):
    since = DateFilter("date", lookup_expr="gte")
    before = DateFilter("date", lookup_expr="lt")


class PatchFilterSet(DateRangeFilterSet, patch_filters.PatchFilterSet):
    project = project_filter()
    series = id_filter("series", Series)
    submitter = person_filter()
    delegate = user_filter("delegate")
    state = ReferenceFilter("state", model=State, resolver=state_lookup)
    archived = BooleanFilter("archived")
    # Hashes are stored in lower case; comparing exactly keeps the index.
    hash = ExactFilter("hash", transform=str.lower)
    msgid = ExactFilter("msgid", transform=with_brackets)
    search = SearchFilter(model=Patch)

    class Meta:
        model = Patch
        fields = ()
        fields_since = {"1.2": ("hash", "msgid"), "1.5": ("search",)}


class CoverFilterSet(DateRangeFilterSet):
    project = project_filter()
    # Upstream checks the value against project ids (and crashes on a match);
    # filtering by series is what the parameter promises (§6.3 Deviation).
    series = id_filter("series", Series)
    submitter = person_filter()
    msgid = ExactFilter("msgid", transform=with_brackets)
    search = SearchFilter(model=Cover)

    class Meta:
        model = Cover
        fields = ()
        fields_since = {"1.2": ("msgid",), "1.5": ("search",)}


class SeriesFilterSet(DateRangeFilterSet, patch_filters.SeriesFilterSet):
    project = project_filter()
    submitter = person_filter()

    class Meta:
        model = Series
        fields = ()


class CheckFilterSet(DateRangeFilterSet):
    user = user_filter("user")
    state = CheckStateFilter("state")
    context = ExactFilter("context")

    class Meta:
        model = Check
        fields = ()


class BundleFilterSet(VersionedFilterSet):
    project = project_filter()
    owner = user_filter("owner")
    public = BooleanFilter("public")

    class Meta:
        model = Bundle
        fields = ()


class EventFilterSet(DateRangeFilterSet):
    project = project_filter()
    category = ExactFilter("category")
    series = id_filter("series", Series)
    patch = id_filter("patch", Patch)
    cover = id_filter("cover", Cover)
    actor = id_filter("actor", User)

    class Meta:
        model = Event
        fields = ()
        fields_since = {"1.2": ("actor",)}


# --- Backend ----------------------------------------------------------------


class FilterBackend(DjangoFilterBackend):
    """Apply the view's filter set; an invalid value gives an empty list.

    Upstream answers ``200 []`` rather than 400 for values it cannot use,
    and clients rely on that.
    """

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        if any("\x00" in value for _, values in params.lists() for value in values):
            # A NUL byte can name nothing, and PostgreSQL rejects it in SQL.
            return queryset.none()
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(
            name in params for name in filterset_class.base_filters
        ):
            return queryset  # nothing to filter by: skip building the form
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            if "search" in filterset.errors:
                # A search is text the user wrote: say what is wrong with it.
                raise exceptions.ValidationError({"search": filterset.errors["search"]})
            return queryset.none()
        return filterset.qs
