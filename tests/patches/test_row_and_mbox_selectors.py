"""The web list's page of rows and the mbox reads, called directly."""

import pytest

from apps.checks.models import Check
from apps.patches.models import PatchTag, Tag
from apps.patches.selectors.mbox import (
    cover_mbox_queryset,
    patch_mbox_queryset,
    series_mbox_patches,
)
from apps.patches.selectors.rows import patch_list_page, project_patches
from apps.projects.models import DelegationRule
from apps.projects.selectors import delegation_rules
from tests.factories import (
    CheckFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(linkname="widgets")


def test_a_page_of_rows_with_checks_and_tags_in_three_queries(
    project, django_assert_num_queries
):
    fixes = Tag.objects.create(name="Fixes", pattern="^Fixes:", abbrev="X")
    series = SeriesFactory(project=project, name=None)
    patches = PatchFactory.create_batch(4, project=project, series=series)
    PatchFactory()  # another project's
    third = patches[2]
    CheckFactory(patch=third, state=Check.State.FAIL, context="build")
    CheckFactory(patch=third, state=Check.State.SUCCESS, context="test")
    PatchTag.objects.create(patch=third, tag=fixes, count=2)
    with django_assert_num_queries(3):
        rows = patch_list_page(
            project_patches(project),
            order_by=["-id"],
            page_ids=[patches[1].pk, third.pk],
            tags=[fixes],
        )
    assert [row.pk for row in rows] == [third.pk, patches[1].pk]
    first = rows[0]
    assert (first.checks_success, first.checks_warning, first.checks_fail) == (1, 0, 1)
    assert first.tag_counts == [(fixes, 2)]
    assert rows[1].tag_counts == [(fixes, 0)]
    assert (first.linkname, first.state_slug) == ("widgets", third.state.slug)
    assert first.submitter.email == third.submitter.email
    assert first.series_label == f"Untitled series #{series.pk}"


def test_an_empty_page_costs_no_query(project, django_assert_num_queries):
    PatchFactory(project=project)
    with django_assert_num_queries(0):
        rows = patch_list_page(
            project_patches(project), order_by=["id"], page_ids=[], tags=[]
        )
    assert rows == []


def test_mbox_reads_bring_comments_in_two_queries(django_assert_num_queries):
    patch = PatchFactory()
    PatchCommentFactory.create_batch(2, patch=patch)
    cover = CoverFactory()
    CoverCommentFactory(cover=cover)
    with django_assert_num_queries(2):
        [loaded] = patch_mbox_queryset().filter(pk=patch.pk)
        assert len(loaded.comments.all()) == 2
        assert (loaded.project, loaded.submitter) == (patch.project, patch.submitter)
    with django_assert_num_queries(2):
        [loaded_cover] = cover_mbox_queryset().filter(pk=cover.pk)
        assert len(loaded_cover.comments.all()) == 1


def test_a_series_mbox_is_by_number_and_may_stop_below_one(project):
    series = SeriesFactory(project=project, total=3)
    third, first, second = (
        PatchFactory(project=project, series=series, number=n) for n in (3, 1, 2)
    )
    assert list(series_mbox_patches(series_id=series.pk)) == [first, second, third]
    assert list(series_mbox_patches(series_id=series.pk, below=3)) == [first, second]


def test_delegation_rules_by_priority_then_path(project):
    ann, bob = UserFactory(), UserFactory()
    DelegationRule.objects.create(project=project, user=ann, path="src/*", priority=0)
    DelegationRule.objects.create(project=project, user=bob, path="docs/*", priority=0)
    DelegationRule.objects.create(project=project, user=bob, path="z/*", priority=5)
    DelegationRule.objects.create(project=ProjectFactory(), user=ann, path="a/*")
    assert delegation_rules(project) == [
        ("z/*", bob.pk),
        ("docs/*", bob.pk),
        ("src/*", ann.pk),
    ]
