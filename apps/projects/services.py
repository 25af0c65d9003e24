"""Writes to projects."""

from collections.abc import Iterable

from django.db import transaction

from apps.people.models import User
from apps.projects.models import Project
from apps.stored_urls import validate_repository_url, validate_web_url

# Project fields that may be given when creating or updating a project.
EDITABLE_FIELDS = (
    "name",
    "listid",
    "listemail",
    "subject_match",
    "web_url",
    "scm_url",
    "webscm_url",
    "list_archive_url",
    "list_archive_url_format",
    "commit_url_format",
)


# URL fields; the formats hold "{}" where a Message-ID or commit goes.
_WEB_URLS = (
    "web_url",
    "webscm_url",
    "list_archive_url",
    "list_archive_url_format",
    "commit_url_format",
)


def validate_project_urls(fields: dict) -> None:
    """Refuse URL fields that are not http(s) (scm_url: a repository URL)."""
    for name in _WEB_URLS:
        if fields.get(name):
            validate_web_url(name, str(fields[name]).replace("{}", "x"))
    if fields.get("scm_url"):
        validate_repository_url("scm_url", str(fields["scm_url"]), ref=False)


@transaction.atomic
def project_create_or_update(
    *,
    linkname: str,
    maintainers: Iterable[User] = (),
    **fields: str | None,
) -> tuple[Project, bool]:
    """Create the project ``linkname``, or update the fields given if it exists.

    Fields passed as ``None`` are left unchanged. ``maintainers`` are added to
    the project's maintainers (existing ones stay). Returns the project and
    whether it was created. Raises ``django.core.exceptions.ValidationError``
    when the result would be invalid (missing name or list, bad regex,
    duplicate name or list/subject pair); nothing is saved then.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not a project field: {', '.join(sorted(unknown))}")
    validate_project_urls(fields)
    found = Project.objects.select_for_update().filter(linkname=linkname).first()
    created = found is None
    project = Project(linkname=linkname) if found is None else found
    for name, value in fields.items():
        if value is not None:
            setattr(project, name, value)
    project.full_clean()
    project.save()
    project.maintainers.add(*maintainers)
    return project, created


# Project settings its maintainers may change (through the REST API).
MAINTAINER_EDITABLE_FIELDS = (
    "web_url",
    "scm_url",
    "webscm_url",
    "list_archive_url",
    "list_archive_url_format",
    "commit_url_format",
    "show_dependencies",
    "supersede_old_versions",
    "cover_tags",
)


@transaction.atomic
def project_update(*, project: Project, **fields: str | bool) -> Project:
    """Change maintainer-editable settings of ``project``; return it.

    Only names in ``MAINTAINER_EDITABLE_FIELDS`` are accepted (``TypeError``
    otherwise). Permission is the caller's to check
    (``apps.patches.rules.is_maintainer``). Raises ``ValidationError`` for
    a URL that is not http(s) (``scm_url``: not a repository URL).
    """
    unknown = set(fields) - set(MAINTAINER_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(
            f"not a maintainer-editable field: {', '.join(sorted(unknown))}"
        )
    validate_project_urls(fields)
    changed = [
        name for name, value in fields.items() if getattr(project, name) != value
    ]
    for name in changed:
        setattr(project, name, fields[name])
    if changed:
        project.save(update_fields=changed)
    return project
