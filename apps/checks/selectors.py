"""Named reads of checks."""

from django.db.models import QuerySet

from apps.checks.models import Check
from apps.patches.fixed_sql import newest_check_filter


def check_list(*, patch_id: int) -> QuerySet[Check]:
    """Return the checks reported on one patch, with their users, by id."""
    return Check.objects.filter(patch_id=patch_id).select_related("user").order_by("id")


def checks_with_patch() -> QuerySet[Check]:
    """Return checks with their user and patch (the patch's bodies unloaded)."""
    return Check.objects.select_related("patch", "user").defer(
        "patch__diff", "patch__content", "patch__headers"
    )


def current_checks(*, patch_id: int) -> QuerySet[Check]:
    """Return the newest check per (user, context) of a patch, by id."""
    return (
        checks_with_patch()
        .filter(newest_check_filter(), patch_id=patch_id)
        .order_by("id")
    )
