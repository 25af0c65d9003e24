"""What patch lists filter by, shared by the REST API's list and the web list.

Both are django-filter FilterSets deriving from ``PatchFilterSet``. Their
query parameters differ, as upstream's do (the web list takes ``archive``,
``q`` and a delegate "Nobody"; the API takes ``archived``, ``hash`` and
repeated references): each interface declares its parameters in its
subclass (``apps.api.filters``, ``apps.web.filters``), and the narrowing both
need lives here.

Free-text search is decided in one place, ``patch_search_term``: how a
search term matches a patch. The web list searches with its whole text
(``search_patches``), the REST API ANDs its ``q`` terms (upstream's two
behaviours); a richer search language replaces that function, and both
lists follow.
"""

from collections.abc import Iterable

import django_filters
from django.db.models import Q, QuerySet

from apps.patches.models import Patch, State
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


class PatchFilterSet(django_filters.FilterSet):
    """The base of every patch list's filters (declares no parameter itself)."""

    class Meta:
        model = Patch
        fields: tuple[str, ...] = ()
