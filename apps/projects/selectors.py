"""Named reads of projects."""

from django.db.models import Prefetch, QuerySet

from apps.people.models import User
from apps.projects.models import Project


def project_list() -> QuerySet[Project]:
    """Return projects with their maintainers (by id), ordered by id."""
    maintainers = User.objects.order_by("id")
    return Project.objects.prefetch_related(
        Prefetch("maintainers", queryset=maintainers)
    ).order_by("id")


def project_by_id_or_linkname(queryset: QuerySet[Project], key: str) -> Project:
    """Return the project whose id is ``key`` or, failing that, its link name.

    A numeric key is tried as an id first (rest-api.md §7.2). Raises
    ``Project.DoesNotExist``.
    """
    if key.isascii() and key.isdigit():
        found = queryset.filter(pk=int(key)).first()
        if found is not None:
            return found
    return queryset.get(linkname=key)
