"""Who may register, see and change webhooks (web pages and REST API alike)."""

from apps.patches.rules import is_maintainer


def can_add_project_hook(user, project_id: int) -> bool:
    """Maintainers register their project's hooks."""
    return user.is_authenticated and is_maintainer(user, project_id)


def can_add_personal_hook(user) -> bool:
    """Any signed-in user registers hooks for their own patches and series."""
    return user.is_authenticated


def can_manage_hook(user, hook) -> bool:
    """Return whether ``user`` may see a hook's log and change or delete it.

    Its owner, and for a project's hook that project's maintainers (it is
    the project's hook, and maintainers come and go).
    """
    if not user.is_authenticated:
        return False
    if hook.owner_id == user.pk:
        return True
    return hook.project_id is not None and is_maintainer(user, hook.project_id)
