"""The REST API's reads of patches, covers, series and comments, called directly."""

import pytest

from apps.checks.models import Check
from apps.patches.models import Patch, PatchRelation
from apps.patches.selectors import submissions
from tests.factories import (
    CheckFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

BODIES = {"diff", "content", "headers"}


@pytest.fixture
def project():
    return ProjectFactory(linkname="widgets")


def test_the_patch_list_has_check_states_relations_and_no_bodies(
    project, django_assert_num_queries
):
    relation = PatchRelation.objects.create()
    first, second = PatchFactory.create_batch(2, project=project, related=relation)
    CheckFactory(patch=first, state=Check.State.FAIL)
    with django_assert_num_queries(2):
        listed = list(submissions.patch_list())
        related = [[p.pk for p in patch.related.patches.all()] for patch in listed]
    assert listed == [first, second]
    assert [p.check_state for p in listed] == [Check.State.FAIL, Check.State.PENDING]
    assert related == [[first.pk, second.pk]] * 2
    assert listed[0].get_deferred_fields() >= BODIES


def test_a_patch_detail_has_its_bodies_and_links_loaded(project):
    series = SeriesFactory(project=project)
    patch = PatchFactory(project=project, series=series)
    shown = submissions.patch_detail_queryset().get(pk=patch.pk)
    assert not BODIES & shown.get_deferred_fields()
    assert shown.series.project == project
    assert shown.check_state == Check.State.PENDING


def test_covers_listed_without_bodies_shown_with_them(project):
    covers = CoverFactory.create_batch(2, project=project)
    listed = list(submissions.cover_list())
    assert listed == covers
    assert {"content", "headers"} <= listed[0].get_deferred_fields()
    shown = submissions.cover_detail_queryset().get(pk=covers[0].pk)
    assert not {"content", "headers"} & shown.get_deferred_fields()


def test_series_with_counts_members_and_dependencies(
    project, django_assert_num_queries
):
    cover = CoverFactory(project=project)
    series = SeriesFactory(project=project, total=3, cover_letter=cover)
    later = PatchFactory(project=project, series=series, number=2)
    earlier = PatchFactory(project=project, series=series, number=1)
    Patch.objects.filter(pk=earlier.pk).update(date=later.date.replace(year=2000))
    base, other = SeriesFactory.create_batch(2, project=project)
    series.dependencies.add(other, base)
    rows = list(submissions.series_list())
    assert rows == [series, base, other]
    assert (rows[0].received_total, rows[0].received_all) == (2, False)
    with django_assert_num_queries(2):
        submissions.attach_series_members(rows, dependencies=True)
    assert [p.id for p in rows[0].member_patches] == [earlier.pk, later.pk]
    assert rows[0].member_patches[0].project.linkname == "widgets"
    assert rows[0].dependency_ids == sorted([base.pk, other.pk])
    assert (rows[1].dependent_ids, rows[2].dependent_ids) == ([series.pk], [series.pk])
    with django_assert_num_queries(1):
        submissions.attach_series_members(rows, dependencies=False)
    assert rows[0].dependency_ids == []
    assert submissions.attach_series_members([], dependencies=True) == []
    detail = submissions.series_detail_queryset().get(pk=series.pk)
    assert detail.cover_letter == cover
    assert "content" in detail.cover_letter.get_deferred_fields()


def test_comments_of_one_patch_or_cover_by_id_with_their_bodies():
    patch_comments = PatchCommentFactory.create_batch(2, patch=PatchFactory())
    PatchCommentFactory()  # on another patch
    listed = list(submissions.patch_comment_list(patch_id=patch_comments[0].patch_id))
    assert listed == patch_comments
    assert "content" not in listed[0].get_deferred_fields()
    assert "diff" in listed[0].patch.get_deferred_fields()
    cover_comment = CoverCommentFactory()
    CoverCommentFactory()
    assert list(submissions.cover_comment_list(cover_id=cover_comment.cover_id)) == [
        cover_comment
    ]


def test_embedded_patches_come_by_date_with_only_what_they_show(project):
    later = PatchFactory(project=project)
    earlier = PatchFactory(project=project)
    Patch.objects.filter(pk=earlier.pk).update(date=later.date.replace(year=2000))
    embedded = list(submissions.embedded_patches())
    assert embedded == [earlier, later]
    assert {"diff", "content", "headers", "state_id"} <= embedded[
        0
    ].get_deferred_fields()
