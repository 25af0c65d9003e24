import pytest

from apps.bundles.exceptions import DuplicateBundleName, EmptyBundle, MixedProjects
from apps.bundles.services import (
    bundle_add_patches,
    bundle_create,
    bundle_remove_patches,
    bundle_reorder,
    bundle_update,
)
from tests.factories import PatchFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def content(bundle):
    return list(
        bundle.bundlepatch_set.order_by("order").values_list("patch_id", flat=True)
    )


@pytest.fixture
def patches():
    project = ProjectFactory()
    return [PatchFactory(project=project) for _ in range(4)]


def test_create_keeps_order_and_takes_project_from_patches(patches):
    owner = UserFactory()
    bundle = bundle_create(owner=owner, name="fixes", patches=patches[::-1])
    assert content(bundle) == [p.pk for p in patches[::-1]]
    assert bundle.project_id == patches[0].project_id
    with pytest.raises(DuplicateBundleName):
        bundle_create(owner=owner, name="fixes", patches=patches)


def test_create_rejects_empty_and_mixed():
    with pytest.raises(EmptyBundle, match="Bundles cannot be empty"):
        bundle_create(owner=UserFactory(), name="x", patches=[])
    with pytest.raises(MixedProjects):
        bundle_create(
            owner=UserFactory(), name="x", patches=[PatchFactory(), PatchFactory()]
        )


def test_add_remove_reorder(patches):
    bundle = bundle_create(owner=UserFactory(), name="b", patches=patches[:2])
    added = bundle_add_patches(bundle=bundle, patches=[patches[1], patches[2]])
    assert added == [patches[2]]
    assert content(bundle) == [patches[0].pk, patches[1].pk, patches[2].pk]
    bundle_reorder(bundle=bundle, patch_ids=[patches[2].pk, patches[0].pk])
    assert content(bundle) == [patches[2].pk, patches[0].pk, patches[1].pk]
    assert bundle_remove_patches(bundle=bundle, patch_ids=[patches[0].pk]) == 1
    assert content(bundle) == [patches[2].pk, patches[1].pk]
    with pytest.raises(MixedProjects):
        bundle_add_patches(bundle=bundle, patches=[PatchFactory()])


def test_update_replaces_content_and_renames(patches):
    owner = UserFactory()
    bundle = bundle_create(owner=owner, name="a", patches=patches[:1])
    bundle_create(owner=owner, name="taken", patches=patches[:1])
    with pytest.raises(DuplicateBundleName):
        bundle_update(bundle=bundle, name="taken")
    other = PatchFactory()
    bundle_update(bundle=bundle, name="b", public=True, patches=[other])
    bundle.refresh_from_db()
    assert (bundle.name, bundle.public, bundle.project_id) == (
        "b",
        True,
        other.project_id,
    )
    assert content(bundle) == [other.pk]
