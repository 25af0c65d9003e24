"""Named reads of checks."""

from django.db.models import QuerySet

from apps.checks.models import Check


def check_list(*, patch_id: int) -> QuerySet[Check]:
    """Return the checks reported on one patch, with their users, by id."""
    return Check.objects.filter(patch_id=patch_id).select_related("user").order_by("id")


def checks_with_patch() -> QuerySet[Check]:
    """Return checks with their user and patch (the patch's bodies unloaded)."""
    return Check.objects.select_related("patch", "user").defer(
        "patch__diff", "patch__content", "patch__headers"
    )
