"""Named reads of bundles."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from apps.bundles.models import Bundle
from apps.patches.models import Patch
from apps.patches.selectors import embedded_patches, patch_mbox_queryset
from apps.people.models import User


def bundle_list(*, viewer: User | AnonymousUser) -> QuerySet[Bundle]:
    """Return the bundles ``viewer`` may see: public ones and their own.

    Patches are prefetched by date (how the API lists them) without bodies.
    """
    visible = Q(public=True)
    if viewer.is_authenticated:
        visible |= Q(owner_id=viewer.pk)
    return (
        Bundle.objects.filter(visible)
        .select_related("project", "owner")
        .prefetch_related(Prefetch("patches", queryset=embedded_patches()))
        .order_by("id")
    )


def bundle_mbox_patches(*, bundle_id: int) -> QuerySet[Patch]:
    """Return a bundle's patches in bundle order, loaded for the mbox."""
    return (
        patch_mbox_queryset()
        .filter(bundlepatch__bundle_id=bundle_id)
        .order_by("bundlepatch__order")
    )
