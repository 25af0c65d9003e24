"""Named reads of projects."""

import re
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from apps.people.models import User
from apps.projects.models import DelegationRule, Project


def projects_for_list(list_id: str) -> list[Project]:
    """Return the projects fed by the list ``list_id``, in link name order."""
    return list(Project.objects.filter(listid=list_id).order_by("linkname"))


def project_matching_subject(
    candidates: Iterable[Project], subject: str | None
) -> Project | None:
    """Pick the project a mail with ``subject`` belongs to among one list's projects.

    The first project (in the given order) whose ``subject_match`` is found in
    the subject (case-insensitive, multi-line) wins; otherwise the list's
    project without a ``subject_match`` is the default; otherwise None.
    """
    default = None
    for project in candidates:
        if not project.subject_match:
            default = project
            continue
        try:
            pattern = re.compile(project.subject_match, re.MULTILINE | re.IGNORECASE)
        except re.error:
            continue  # the admin validates patterns; an old bad one matches nothing
        if pattern.search(subject or ""):
            return project
    return default


def project_for_list(list_id: str, subject: str | None) -> Project | None:
    """Return the project of a mail from list ``list_id`` with ``subject``."""
    return project_matching_subject(projects_for_list(list_id), subject)


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


def projects_by_linkname() -> QuerySet[Project]:
    return Project.objects.order_by("linkname")


def project_maintainers(project: Project) -> list[User]:
    return list(project.maintainers.order_by("username"))


def delegation_rules(project: Project) -> list[tuple[str, int]]:
    """Return (path glob, user id) of the project's rules, in the order tried."""
    return list(
        DelegationRule.objects.filter(project=project)
        .order_by("-priority", "path")
        .values_list("path", "user_id")
    )


def project_by_linkname(linkname: str) -> Project | None:
    return Project.objects.filter(linkname=linkname).first()


def maintained_projects(user: User) -> list[Project]:
    return list(user.maintained_projects.order_by("linkname"))
