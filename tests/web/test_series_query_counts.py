"""The series pages run a fixed number of queries whatever they show."""

import pytest

from apps.patches.models import PatchTag, Tag
from tests.factories import (
    CheckFactory,
    CoverFactory,
    PatchFactory,
    PersonFactory,
    SeriesFactory,
)
from tests.web.html import row_ids

pytestmark = pytest.mark.django_db


def fill(project, count):
    """Make ``count`` series of two versions each, every version with patches."""
    made = []
    tags = list(Tag.objects.all())
    for n in range(count):
        submitter = PersonFactory()
        v1 = SeriesFactory(project=project, submitter=submitter, total=2)
        v1.lineage = v1.pk
        v1.save()
        v2 = SeriesFactory(
            project=project,
            submitter=submitter,
            version=2,
            total=2,
            previous_version=v1,
            lineage=v1.pk,
            cover_letter=CoverFactory(project=project),
        )
        for series in (v1, v2):
            for number in (1, 2):
                patch = PatchFactory(project=project, series=series, number=number)
                CheckFactory(patch=patch, state=1 + n % 3)
                for tag in tags:
                    PatchTag.objects.create(patch=patch, tag=tag, count=n + 1)
        made += [v1, v2]
    return made


# Project, states (filter form), the page's ids, the page's rows, their versions,
# their patches' states.
LIST_QUERIES_ANONYMOUS = 6
# Logged in (a maintainer) adds session, user, maintained projects, the
# bulk form's delegates and the navigation bar's todo count.
LIST_QUERIES_MAINTAINER = 11


@pytest.mark.parametrize("count", [1, 15])
def test_series_list_anonymous(client, project, count, django_assert_num_queries):
    made = fill(project, count)
    with django_assert_num_queries(LIST_QUERIES_ANONYMOUS):
        response = client.get(f"/project/{project.linkname}/series/")
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(s.pk for s in made)


@pytest.mark.parametrize("count", [1, 15])
def test_series_list_maintainer(
    client, project, maintainer, count, django_assert_num_queries
):
    made = fill(project, count)
    client.force_login(maintainer)
    with django_assert_num_queries(LIST_QUERIES_MAINTAINER):
        response = client.get(f"/project/{project.linkname}/series/?state=")
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(s.pk for s in made)
    assert response.content.count(b'name="series_id:') == len(made)


# The series with project, submitter, cover and count; its versions; tags;
# the patch rows (the series' state is counted from them); their checks;
# their tags.
PAGE_QUERIES = 6


@pytest.mark.parametrize("patches", [1, 30])
def test_series_page(client, project, patches, django_assert_num_queries):
    v1 = SeriesFactory(project=project)
    v1.lineage = v1.pk
    v1.save()
    series = SeriesFactory(
        project=project,
        total=patches,
        version=2,
        previous_version=v1,
        lineage=v1.pk,
        cover_letter=CoverFactory(project=project),
    )
    made = [
        PatchFactory(project=project, series=series, number=n)
        for n in range(1, patches + 1)
    ]
    for patch in made:
        CheckFactory(patch=patch)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(f"/series/{series.pk}/")
    assert response.status_code == 200
    assert row_ids(response) == [p.pk for p in made]
