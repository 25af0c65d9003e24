"""Writes to bundles. Permission checks are the caller's (apps.bundles.rules)."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from apps.bundles.exceptions import DuplicateBundleName, EmptyBundle, MixedProjects
from apps.bundles.models import Bundle, BundlePatch
from apps.patches.models import Patch
from apps.patches.services.updates import UNSET, Unset
from apps.people.models import User


def _project_of(patches: Sequence[Patch]) -> int:
    if not patches:
        raise EmptyBundle()
    project_ids = {patch.project_id for patch in patches}
    if len(project_ids) > 1:
        raise MixedProjects()
    return project_ids.pop()


def _check_name_free(
    *, owner: User | int, name: str, exclude_id: int | None = None
) -> None:
    taken = Bundle.objects.filter(owner=owner, name=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise DuplicateBundleName(name)


def _unique(patches: Sequence[Patch]) -> list[Patch]:
    seen: set[int] = set()
    result = []
    for patch in patches:
        if patch.pk not in seen:
            seen.add(patch.pk)
            result.append(patch)
    return result


@transaction.atomic
def bundle_create(
    *, owner: User, name: str, patches: Sequence[Patch], public: bool = False
) -> Bundle:
    """Create a bundle holding ``patches`` in that order.

    The bundle's project is the patches' project. Raises ``EmptyBundle``,
    ``MixedProjects`` or ``DuplicateBundleName``.
    """
    patches = _unique(patches)
    project_id = _project_of(patches)
    _check_name_free(owner=owner, name=name)
    bundle = Bundle.objects.create(
        owner=owner, name=name, public=public, project_id=project_id
    )
    BundlePatch.objects.bulk_create(
        BundlePatch(bundle=bundle, patch=patch, order=order)
        for order, patch in enumerate(patches, start=1)
    )
    return bundle


@transaction.atomic
def bundle_update(
    *,
    bundle: Bundle,
    name: str | Unset = UNSET,
    public: bool | Unset = UNSET,
    patches: Sequence[Patch] | Unset = UNSET,
) -> Bundle:
    """Rename, publish/unpublish, or replace the content of a bundle.

    ``patches``, when given, replaces the content in the given order and
    re-derives the project. Raises as ``bundle_create``.
    """
    fields = []
    if name is not UNSET and name != bundle.name:
        _check_name_free(owner=bundle.owner_id, name=name, exclude_id=bundle.pk)
        bundle.name = name
        fields.append("name")
    if public is not UNSET and public != bundle.public:
        bundle.public = public
        fields.append("public")
    if patches is not UNSET:
        patches = _unique(patches)
        project_id = _project_of(patches)
        if project_id != bundle.project_id:
            bundle.project_id = project_id
            fields.append("project")
        BundlePatch.objects.filter(bundle=bundle).delete()
        BundlePatch.objects.bulk_create(
            BundlePatch(bundle=bundle, patch=patch, order=order)
            for order, patch in enumerate(patches, start=1)
        )
    if fields:
        bundle.save(update_fields=fields)
    return bundle


@transaction.atomic
def bundle_add_patches(*, bundle: Bundle, patches: Sequence[Patch]) -> list[Patch]:
    """Append the patches not yet in the bundle; return those added.

    Raises ``MixedProjects`` if a patch is from another project.
    """
    if any(patch.project_id != bundle.project_id for patch in patches):
        raise MixedProjects()
    present = set(
        BundlePatch.objects.filter(bundle=bundle).values_list("patch_id", flat=True)
    )
    added = [patch for patch in _unique(patches) if patch.pk not in present]
    last = BundlePatch.objects.filter(bundle=bundle).aggregate(m=Max("order"))["m"]
    BundlePatch.objects.bulk_create(
        BundlePatch(bundle=bundle, patch=patch, order=order)
        for order, patch in enumerate(added, start=(last or 0) + 1)
    )
    return added


@transaction.atomic
def bundle_remove_patches(*, bundle: Bundle, patch_ids: Sequence[int]) -> int:
    """Remove patches from the bundle; return how many were in it."""
    deleted, _ = BundlePatch.objects.filter(
        bundle=bundle, patch_id__in=list(patch_ids)
    ).delete()
    return deleted


@transaction.atomic
def bundle_reorder(*, bundle: Bundle, patch_ids: Sequence[int]) -> None:
    """Put the bundle's patches in the order of ``patch_ids``.

    Patches of the bundle missing from ``patch_ids`` keep their relative
    order after the listed ones; ids not in the bundle are ignored.
    """
    members = list(BundlePatch.objects.filter(bundle=bundle).order_by("order"))
    position = {patch_id: index for index, patch_id in enumerate(patch_ids)}
    members.sort(key=lambda member: position.get(member.patch_id, len(position)))
    for order, member in enumerate(members, start=1):
        member.order = order
    BundlePatch.objects.bulk_update(members, ["order"])


def bundle_delete(*, bundle: Bundle) -> None:
    bundle.delete()
