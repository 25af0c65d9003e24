"""Filter structs of patch_list and check_list (``FIELD`` or ``FIELD__LOOKUP``).

Upstream applies them as ORM lookups on a fixed set of fields; a key it does
not know empties the result rather than faulting, and so do we.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from apps.patches.selectors import patch_id_exists
from apps.people.selectors import person_get

LOOKUPS = frozenset(
    [
        "iexact", "contains", "icontains", "gt", "gte", "lt", "in", "startswith",
        "istartswith", "endswith", "iendswith", "range", "year", "month", "day",
        "isnull",
    ]
)  # fmt: skip
PATCH_FIELDS = frozenset(
    ["id", "name", "date", "commit_ref", "hash", "msgid", "archived"]
)


class EmptyResult(Exception):
    """The filter can match nothing (unknown key, lookup or object)."""


def _split(key: str) -> tuple[str, str | None]:
    field, _, lookup = key.partition("__")
    if lookup and lookup not in LOOKUPS:
        raise EmptyResult(key)
    return field, lookup or None


def _lookup(field: str, lookup: str | None) -> str:
    return f"{field}__{lookup}" if lookup else field


def bounded(queryset: QuerySet, max_count: int) -> list:
    """Return the rows ``max_count`` asks for, selected by the query itself.

    Upstream's meaning: > 0 the first N, < 0 the last N, 0 everything; but
    never more than ``XMLRPC_MAX_COUNT`` rows (0 gives the first that many),
    so one anonymous call cannot make the server load a whole archive.
    ``queryset`` must be ordered.
    """
    cap = settings.XMLRPC_MAX_COUNT
    if max_count < 0:
        rows = list(queryset.reverse()[: min(-max_count, cap)])
        rows.reverse()
        return rows
    return list(queryset[: min(max_count, cap) if max_count > 0 else cap])


def filter_patches(queryset: QuerySet, filt: dict) -> QuerySet:
    """Apply a patch_list filter struct; raise EmptyResult when nothing can match."""
    for key, value in filt.items():
        if key == "max_count":
            continue
        field, lookup = _split(key)
        if field in PATCH_FIELDS:
            queryset = queryset.filter(**{_lookup(field, lookup): value})
        elif field in ("project_id", "submitter_id", "state_id", "series"):
            # Exact match whatever the lookup; an unknown id matches nothing.
            queryset = queryset.filter(**{field: value})
        elif field == "delegate_id":
            # pwclient sends a Person id; the delegate is that person's account.
            person = person_get(value)
            if person is None or person.user_id is None:
                raise EmptyResult(key)
            queryset = queryset.filter(delegate_id=person.user_id)
        else:
            raise EmptyResult(key)
    return queryset


def filter_checks(queryset: QuerySet, filt: dict) -> QuerySet:
    """Apply a check_list filter struct; raise EmptyResult when nothing can match."""
    for key, value in filt.items():
        if key == "max_count":
            continue
        field, lookup = _split(key)
        if field == "id":
            queryset = queryset.filter(**{_lookup("id", lookup): value})
        elif field == "user":
            queryset = queryset.filter(**{_lookup("user_id", lookup): value})
        elif field == "project_id":
            queryset = queryset.filter(patch__project_id=value)
        elif field == "patch_id":
            if not patch_id_exists(value):
                raise EmptyResult(key)
            queryset = queryset.filter(patch_id=value)
        else:
            raise EmptyResult(key)
    return queryset


def evaluate(build, filt: dict, struct) -> list[dict]:
    """Build the query with ``build(filt)`` and shape its rows.

    A filter that cannot match (unknown key or object) or a value of the
    wrong type returns an empty list, as upstream's lookups do.
    """
    max_count = int(filt.get("max_count") or 0)
    try:
        rows = bounded(build(filt), max_count)
    except (EmptyResult, ValueError, TypeError, ValidationError):
        return []
    return [struct(row) for row in rows]
