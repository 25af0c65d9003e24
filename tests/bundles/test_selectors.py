"""The named reads of bundles: who sees which, in which order, with what."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.bundles.selectors import (
    bundle_choices,
    bundle_get,
    bundle_get_by_id,
    bundle_list,
    bundle_mbox_patches,
    bundle_order,
    bundle_patches,
    user_bundles,
)
from apps.bundles.services import bundle_delete, bundle_reorder
from apps.patches.models import Patch
from tests.factories import BundleFactory, PatchFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    return UserFactory(username="ann")


@pytest.fixture
def project():
    return ProjectFactory()


def test_a_visitor_sees_public_bundles_an_owner_also_their_own(ann, project):
    public = BundleFactory(project=project, public=True)
    private = BundleFactory(project=project, owner=ann)
    BundleFactory(project=project)  # someone else's, private
    assert list(bundle_list(viewer=AnonymousUser())) == [public]
    assert list(bundle_list(viewer=ann)) == [public, private]


def test_bundle_list_prefetches_its_patches_by_date(
    ann, project, django_assert_num_queries
):
    later, earlier = PatchFactory(project=project), PatchFactory(project=project)
    Patch.objects.filter(pk=earlier.pk).update(date=later.date.replace(year=2000))
    BundleFactory(project=project, owner=ann, patches=[later, earlier])
    with django_assert_num_queries(2):
        [bundle] = bundle_list(viewer=ann)
        assert [p.pk for p in bundle.patches.all()] == [earlier.pk, later.pk]


def test_patches_in_bundle_order_for_pages_and_mbox(ann, project):
    a, b, c = PatchFactory.create_batch(3, project=project)
    bundle = BundleFactory(project=project, owner=ann, patches=[a, b, c])
    bundle_reorder(bundle=bundle, patch_ids=[c.pk, a.pk, b.pk])
    assert bundle_order(bundle) == [c.pk, a.pk, b.pk]
    assert list(bundle_mbox_patches(bundle_id=bundle.pk)) == [c, a, b]
    orders = dict(bundle_patches(bundle).values_list("pk", "bundle_order"))
    assert orders == {c.pk: 1, a.pk: 2, b.pk: 3}


def test_a_users_bundles_by_name_with_their_patch_counts(ann, project):
    other_project = ProjectFactory()
    zeta = BundleFactory(owner=ann, project=project, name="zeta")
    alpha = BundleFactory(
        owner=ann,
        project=project,
        name="alpha",
        patches=[PatchFactory(project=project)],
    )
    elsewhere = BundleFactory(owner=ann, project=other_project, name="beta")
    BundleFactory(project=project, name="not-ann")
    listed = user_bundles(ann)
    assert [(b.name, b.patch_count) for b in listed] == [
        ("alpha", 1),
        ("beta", 0),
        ("zeta", 0),
    ]
    assert list(user_bundles(ann, project)) == [alpha, zeta]
    assert bundle_choices(ann) == [alpha, elsewhere, zeta]


def test_bundles_are_found_by_owner_and_name_or_by_id(ann, project):
    bundle = BundleFactory(owner=ann, project=project, name="fixes")
    assert bundle_get("ann", "fixes") == bundle
    assert bundle_get("ann", "other") is None
    assert bundle_get("bob", "fixes") is None
    assert bundle_get_by_id(bundle.pk) == bundle
    bundle_delete(bundle=bundle)
    assert bundle_get_by_id(bundle.pk) is None
