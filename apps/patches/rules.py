"""Who may change what: the one place where patch permissions are decided.

The REST API, the web UI and XML-RPC all ask these predicates, so a rule
changes everywhere at once. Superusers and staff get nothing extra here, as
upstream: their power is the admin site.
"""


def maintained_project_ids(user) -> frozenset[int]:
    """Return the ids of the projects ``user`` maintains (cached on the user).

    No user (a service called without an actor) maintains nothing.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_maintained_project_ids", None)
    if cached is None:
        cached = frozenset(user.maintained_projects.values_list("id", flat=True))
        user._maintained_project_ids = cached
    return cached


def is_maintainer(user, project_id: int) -> bool:
    return project_id in maintained_project_ids(user)


def _is_submitter(user, submission) -> bool:
    # Compares ids only; callers load ``submitter`` with the object.
    return submission.submitter.user_id == user.pk


def can_edit_patch(user, patch) -> bool:
    """Return whether ``user`` may change a patch's state, delegate and flags.

    Allowed: the account linked to the patch's submitter, the delegate, and
    maintainers of the patch's project.
    """
    if not user.is_authenticated:
        return False
    return (
        _is_submitter(user, patch)
        or patch.delegate_id == user.pk
        or is_maintainer(user, patch.project_id)
    )


def can_create_check(user, patch) -> bool:
    """Return whether ``user`` may report a check on ``patch`` (same as editing)."""
    return can_edit_patch(user, patch)


def can_edit_patch_comment(user, comment) -> bool:
    """Return whether ``user`` may mark a patch comment addressed.

    Allowed: the comment's author and whoever may edit the patch.
    """
    if not user.is_authenticated:
        return False
    return _is_submitter(user, comment) or can_edit_patch(user, comment.patch)


def can_edit_cover_comment(user, comment) -> bool:
    """Return whether ``user`` may mark a cover comment addressed.

    Allowed: the comment's author, the cover's submitter and maintainers.
    """
    if not user.is_authenticated:
        return False
    cover = comment.cover
    return (
        _is_submitter(user, comment)
        or _is_submitter(user, cover)
        or is_maintainer(user, cover.project_id)
    )


def can_change_relations(user, project_ids) -> bool:
    """Return whether ``user`` maintains every project in ``project_ids``."""
    maintained = maintained_project_ids(user)
    return bool(maintained) and set(project_ids) <= maintained


def can_link_versions(user, series) -> bool:
    """Return whether ``user`` may set a series' previous version (maintainers)."""
    return bool(user is not None and user.is_authenticated) and is_maintainer(
        user, series.project_id
    )
