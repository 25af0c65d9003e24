"""Pages run a fixed number of queries whatever the size of what they show.

The numbers are pinned exactly, so a new query shows up in review; what
matters is that they do not grow with the rows, comments or checks.
"""

import pytest

from apps.patches import links
from apps.patches.models import PatchTag, Tag
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    SeriesFactory,
)
from tests.web.html import row_ids

pytestmark = pytest.mark.django_db


def fill(project, count, delegate):
    tags = list(Tag.objects.all())
    patches = []
    for n in range(count):
        series = SeriesFactory(project=project)
        patch = PatchFactory(
            project=project,
            series=series,
            number=1,
            delegate=delegate if n % 2 else None,
        )
        for tag in tags:
            PatchTag.objects.create(patch=patch, tag=tag, count=n + 1)
        CheckFactory(patch=patch, state=1)
        CheckFactory(patch=patch, state=3)
        patches.append(patch)
    return patches


# Anonymous: project, states, the page's ids, tags, the page's rows, their
# check counts, their tag counts, the filter form's delegates. A list longer
# than its page is also counted (apps/paging.py): one more.
LIST_QUERIES_ANONYMOUS = 8
# Logged in adds session, user, bundles, the bulk form's delegates, the
# user's maintained projects (edit rule) and the navigation bar's todo count.
LIST_QUERIES_LOGGED_IN = 14


@pytest.mark.parametrize("count", [1, 20])
def test_patch_list_anonymous(
    client, project, maintainer, count, django_assert_num_queries
):
    patches = fill(project, count, maintainer)
    with django_assert_num_queries(LIST_QUERIES_ANONYMOUS):
        response = client.get(f"/project/{project.linkname}/list/")
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(p.pk for p in patches)


@pytest.mark.parametrize("count", [6, 20])
def test_a_list_longer_than_its_page_adds_the_count(
    client, project, maintainer, count, settings, django_assert_num_queries
):
    settings.DEFAULT_ITEMS_PER_PAGE = 5
    patches = fill(project, count, maintainer)
    with django_assert_num_queries(LIST_QUERIES_ANONYMOUS + 1):
        response = client.get(f"/project/{project.linkname}/list/")
    assert sorted(row_ids(response)) == sorted(p.pk for p in patches)[-5:]


@pytest.mark.parametrize("count", [1, 20])
def test_patch_list_logged_in(
    client, project, maintainer, count, django_assert_num_queries
):
    patches = fill(project, count, maintainer)
    BundleFactory(owner=maintainer, project=project)
    maintainer.show_ids = True
    maintainer.save()
    client.force_login(maintainer)
    with django_assert_num_queries(LIST_QUERIES_LOGGED_IN):
        response = client.get(f"/project/{project.linkname}/list/?state=*")
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(p.pk for p in patches)


@pytest.mark.parametrize("count", [1, 20])
def test_patch_list_with_a_search_anonymous(
    client, project, maintainer, count, django_assert_num_queries
):
    """A search joins the page's queries: it adds none of its own."""
    patches = fill(project, count, maintainer)
    search = "change from:person -is:archived has:checks tag:acked-by>=1 -file:x/"
    with django_assert_num_queries(LIST_QUERIES_ANONYMOUS):
        response = client.get(f"/project/{project.linkname}/list/", {"search": search})
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(p.pk for p in patches)


@pytest.mark.parametrize("count", [1, 20])
def test_bundle_page(client, project, maintainer, count, django_assert_num_queries):
    patches = fill(project, count, maintainer)
    bundle = BundleFactory(
        owner=maintainer, project=project, public=True, patches=patches
    )
    # The bundle (with owner and project) instead of the project; the rest as
    # the anonymous project list.
    with django_assert_num_queries(LIST_QUERIES_ANONYMOUS):
        response = client.get(links.bundle_web_path(bundle))
    assert response.status_code == 200
    assert row_ids(response) == [p.pk for p in patches]


# The patch with project, series and cover letter; its comments; its checks;
# the series' patches; the series' newer version.
PATCH_QUERIES_ANONYMOUS = 5
# Maintainer adds session, user, maintained projects, states, delegates,
# bundles and the navigation bar's todo count.
PATCH_QUERIES_MAINTAINER = 12


def patch_with(project, count):
    series = SeriesFactory(project=project, cover_letter=CoverFactory(project=project))
    patch = PatchFactory(project=project, series=series, number=1)
    for n in range(2, count + 2):
        PatchFactory(project=project, series=series, number=n)
    for n in range(count):
        PatchCommentFactory(patch=patch, content=f"comment number {n}")
        CheckFactory(patch=patch, context=f"ctx{n}")
    return patch


def assert_shows_everything(response, patch, count):
    """The page shows every comment, check and series patch it was given."""
    assert response.status_code == 200
    page = response.content.decode()
    for n in range(count):
        assert f"comment number {n}\n" in page or f"comment number {n}<" in page
        assert f"/ctx{n}</code>" in page
    assert page.count('class="email comment"') == count
    for other in patch.series.patches.exclude(pk=patch.pk):
        assert links.patch_web_path(other) in page


@pytest.mark.parametrize("count", [0, 1, 15])
def test_patch_page_anonymous(client, project, count, django_assert_num_queries):
    patch = patch_with(project, count)
    with django_assert_num_queries(PATCH_QUERIES_ANONYMOUS):
        response = client.get(links.patch_web_path(patch))
    assert_shows_everything(response, patch, count)


@pytest.mark.parametrize("count", [0, 1, 15])
def test_patch_page_maintainer(
    client, project, maintainer, count, django_assert_num_queries
):
    patch = patch_with(project, count)
    client.force_login(maintainer)
    with django_assert_num_queries(PATCH_QUERIES_MAINTAINER):
        response = client.get(links.patch_web_path(patch))
    assert_shows_everything(response, patch, count)


@pytest.mark.parametrize("count", [0, 1, 15])
def test_cover_page(client, project, count, django_assert_num_queries):
    series = SeriesFactory(project=project)
    cover = CoverFactory(project=project)
    series.cover_letter = cover
    series.save()
    patches = [
        PatchFactory(project=project, series=series, number=n)
        for n in range(1, count + 1)
    ]
    for _ in range(count):
        CoverCommentFactory(cover=cover)
    # The cover with project and series, its comments, the series' patches.
    with django_assert_num_queries(3):
        response = client.get(links.cover_web_path(cover))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="email comment"') == count
    assert all(links.patch_web_path(p) in page for p in patches)


# Todo list: as the logged-in patch list (the page's project instead of the
# filter form's delegates).
TODO_QUERIES = 14


@pytest.mark.parametrize("count", [2, 20])
def test_todo_list(client, project, maintainer, count, django_assert_num_queries):
    patches = fill(project, count, maintainer)
    delegated = [p for p in patches if p.delegate_id == maintainer.pk]
    client.force_login(maintainer)
    with django_assert_num_queries(TODO_QUERIES):
        response = client.get(f"/user/todo/{project.linkname}/")
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(p.pk for p in delegated)
