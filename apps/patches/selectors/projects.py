"""Patches counted per project: the project page, todo lists, profiles."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from apps.patches.models import Patch, State, Tag
from apps.patches.selectors.rows import todo_patches
from apps.people.models import User
from apps.projects.models import Project


def project_patch_counts(project: Project) -> tuple[int, int]:
    """Return (non-archived, archived) patch counts of ``project``."""
    counts = Patch.objects.filter(project=project).aggregate(
        active=Count("pk", filter=Q(archived=False)),
        archived=Count("pk", filter=Q(archived=True)),
    )
    return counts["active"], counts["archived"]


def todo_count(user: User) -> int:
    return todo_patches(user).count()


def todo_projects(user: User) -> list[Project]:
    """Return the projects with todo patches, each annotated ``todo_count``."""
    counts = (
        todo_patches(user)
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Project.objects.annotate(todo_count=Subquery(counts))
        .filter(todo_count__gt=0)
        .order_by("linkname")
    )


def contributed_projects(user: User) -> list[Project]:
    """Return the projects where one of the user's addresses submitted a patch."""
    submitted = Patch.objects.filter(project=OuterRef("pk"), submitter__user=user)
    return list(Project.objects.filter(Exists(submitted)).order_by("linkname"))


def states() -> QuerySet[State]:
    return State.objects.order_by("ordering")


def state_list() -> list[State]:
    return list(states())


def state_get(state_id: int) -> State | None:
    return State.objects.filter(pk=state_id).first()


def state_named(name: str) -> State | None:
    """Return the state called ``name`` (any case), or None."""
    return State.objects.filter(name__iexact=name).first()


def tag_list() -> list[Tag]:
    return list(Tag.objects.all())


def tag_columns() -> list[Tag]:
    """Return the tags shown as list columns, in column order."""
    return list(Tag.objects.filter(show_column=True).order_by("abbrev"))
