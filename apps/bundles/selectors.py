"""Named reads of bundles."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from apps.bundles.models import Bundle, BundlePatch
from apps.patches.models import Patch
from apps.patches.selectors import embedded_patches, patch_mbox_queryset
from apps.people.models import User
from apps.projects.models import Project


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


def bundle_patches(bundle: Bundle) -> QuerySet[Patch]:
    """Return the bundle's patches annotated with their ``bundle_order``."""
    order = BundlePatch.objects.filter(bundle=bundle, patch=OuterRef("pk")).values(
        "order"
    )[:1]
    return Patch.objects.filter(bundlepatch__bundle=bundle).annotate(
        bundle_order=Subquery(order, output_field=IntegerField())
    )


def user_bundles(user: User, project: Project | None = None) -> QuerySet[Bundle]:
    """Return the user's bundles with ``patch_count``, by name."""
    bundles = Bundle.objects.filter(owner=user)
    if project is not None:
        bundles = bundles.filter(project=project)
    return (
        bundles.select_related("project", "owner")
        .annotate(patch_count=Count("bundlepatch"))
        .order_by("name", "id")
    )


def bundle_choices(user: User) -> list[Bundle]:
    """Return the bundles a user can add patches to (all of theirs)."""
    return list(
        Bundle.objects.filter(owner=user)
        .select_related("project")
        .order_by("name", "id")
    )


def bundle_get(username: str, name: str) -> Bundle | None:
    return (
        Bundle.objects.select_related("owner", "project")
        .filter(owner__username=username, name=name)
        .first()
    )


def bundle_get_by_id(bundle_id: int) -> Bundle | None:
    return Bundle.objects.select_related("owner").filter(pk=bundle_id).first()


def bundle_order(bundle: Bundle) -> list[int]:
    """Return the bundle's patch ids in bundle order."""
    return list(
        BundlePatch.objects.filter(bundle=bundle)
        .order_by("order", "id")
        .values_list("patch_id", flat=True)
    )
