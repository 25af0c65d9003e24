"""The single-object reads of the web pages (``apps.patches.selectors.pages``)."""

import pytest

from apps.patches.models import Patch, PatchRelation
from apps.patches.selectors import pages
from tests.factories import (
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


def test_a_message_names_its_patches_series_first_then_its_covers(project):
    patch_series = SeriesFactory(project=project)
    PatchFactory(project=project, series=patch_series, msgid="<shared@x>")
    cover = CoverFactory(project=project, msgid="<cover@x>")
    cover_series = SeriesFactory(project=project, cover_letter=cover)
    assert pages.series_of_message("<shared@x>", project) == patch_series
    assert pages.series_of_message("<cover@x>", project) == cover_series
    assert pages.series_of_message("<none@x>", project) is None


def test_a_message_in_several_projects_prefers_the_asking_project(project):
    other = ProjectFactory()
    theirs = SeriesFactory(project=other)
    PatchFactory(project=other, series=theirs, msgid="<same@x>")
    assert pages.series_of_message("<same@x>", project) == theirs
    ours = SeriesFactory(project=project)
    PatchFactory(project=project, series=ours, msgid="<same@x>")
    assert pages.series_of_message("<same@x>", project) == ours


def test_related_patches_are_split_by_project_without_the_patch_itself(project):
    relation = PatchRelation.objects.create()
    patch, same = PatchFactory.create_batch(2, project=project, related=relation)
    foreign = PatchFactory(project=ProjectFactory(linkname="aaa"), related=relation)
    assert pages.related_patches(patch) == ([same], [foreign])
    assert pages.related_patches(PatchFactory(project=project)) == ([], [])


def test_a_comment_id_leads_to_its_patch_or_cover():
    on_patch = PatchCommentFactory()
    # The two tables number their rows separately: take a cover comment
    # whose id no patch comment has.
    on_cover = next(
        c for c in CoverCommentFactory.create_batch(2) if c.pk != on_patch.pk
    )
    assert pages.comment_parent(on_patch.pk) == on_patch.patch
    assert pages.comment_parent(on_cover.pk) == on_cover.cover
    assert pages.comment_parent(max(on_patch.pk, on_cover.pk) + 100) is None


def test_an_id_both_tables_have_is_read_as_the_patch_comment():
    shared_id = 10_000
    cover_comment = CoverCommentFactory(id=shared_id)
    patch_comment = PatchCommentFactory(id=shared_id)
    assert pages.comment_parent(shared_id) == patch_comment.patch
    assert cover_comment.cover != patch_comment.patch


def test_lookups_by_id_and_by_message_id(project):
    patch = PatchFactory(project=project, msgid="<p@x>", diff="--- a/x\n")
    cover = CoverFactory(project=project, msgid="<c@x>")
    series = SeriesFactory(project=project)
    missing = max(patch.pk, cover.pk, series.pk) + 100
    assert pages.patch_get_by_id(patch.pk) == patch
    assert pages.patch_get_by_id(missing) is None
    assert pages.cover_get_by_id(cover.pk) == cover
    assert pages.series_get(series.pk) == series
    assert pages.series_get(missing) is None
    assert pages.patch_exists(project, "<p@x>")
    assert not pages.patch_exists(ProjectFactory(), "<p@x>")
    assert pages.cover_exists(project, "<c@x>")
    assert (pages.patch_id_exists(patch.pk), pages.patch_id_exists(missing)) == (
        True,
        False,
    )
    assert (pages.cover_id_exists(cover.pk), pages.cover_id_exists(missing)) == (
        True,
        False,
    )
    assert pages.patch_diff(patch.pk) == "--- a/x\n"
    assert pages.patch_diff(missing) is None
    assert pages.cover_detail("widgets", "<c@x>") == cover
    assert pages.cover_detail("other", "<c@x>") is None


def test_summaries_leave_the_bodies_unloaded_and_come_by_date(project):
    later = PatchFactory(project=project)
    earlier = PatchFactory(project=project)
    Patch.objects.filter(pk=earlier.pk).update(date=later.date.replace(year=2000))
    found = pages.patches_by_ids([later.pk, earlier.pk, later.pk + 100])
    assert found == [earlier, later]
    assert {"diff", "content", "headers"} <= found[0].get_deferred_fields()
    with_submitter = pages.patch_with_submitter(later.pk)
    assert with_submitter.submitter == later.submitter
    assert "diff" in with_submitter.get_deferred_fields()
    assert pages.patch_with_submitter(later.pk + 100) is None


def test_summaries_bring_project_state_and_people_in_one_query(
    project, django_assert_num_queries
):
    patch = PatchFactory(project=project, delegate=UserFactory())
    with django_assert_num_queries(1):
        [summary] = pages.patch_summaries().filter(pk=patch.pk)
        shown = (summary.project, summary.state, summary.submitter, summary.delegate)
    assert shown == (project, patch.state, patch.submitter, patch.delegate)
    assert "diff" in summary.get_deferred_fields()
