"""Named reads of bundles."""

from django.db.models import Prefetch, Q, QuerySet

from apps.bundles.models import Bundle
from apps.patches.models import Patch


def bundle_list(*, viewer) -> QuerySet[Bundle]:
    """Return the bundles ``viewer`` may see: public ones and their own.

    Patches are prefetched by date (how the API lists them) without bodies.
    """
    visible = Q(public=True)
    if viewer.is_authenticated:
        visible |= Q(owner_id=viewer.pk)
    patches = (
        Patch.objects.select_related("project")
        .defer("diff", "content", "headers")
        .order_by("date", "id")
    )
    return (
        Bundle.objects.filter(visible)
        .select_related("project", "owner")
        .prefetch_related(Prefetch("patches", queryset=patches))
        .order_by("id")
    )
