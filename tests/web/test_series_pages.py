"""The series list, the series page and the interdiff page."""

import pytest

from apps.patches.models import Patch, State
from tests.factories import (
    CheckFactory,
    CoverFactory,
    PatchFactory,
    PersonFactory,
    SeriesFactory,
)
from tests.web.html import elements, row_ids, text

pytestmark = pytest.mark.django_db

DIFF = "--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-{}\n+{}\n"


def versions(project, submitter=None):
    """Return v1 (two patches, no cover) and v2 (cover, first patch changed)."""
    submitter = submitter or PersonFactory(name="Ada Lovelace")
    v1 = SeriesFactory(
        project=project, submitter=submitter, name="engine: rework", version=1, total=2
    )
    cover = CoverFactory(
        project=project,
        submitter=submitter,
        name="[PATCH v2 0/2] engine: rework",
        content="Changes in v2: less.\n",
    )
    v2 = SeriesFactory(
        project=project,
        submitter=submitter,
        name="engine: rework",
        version=2,
        total=2,
        cover_letter=cover,
        previous_version=v1,
        lineage=v1.pk,
    )
    v1.lineage = v1.pk
    v1.save()
    for series, prefix, tail in ((v1, "", "b"), (v2, "v2,", "c")):
        PatchFactory(
            project=project,
            series=series,
            submitter=submitter,
            number=1,
            name=f"[{prefix}1/2] engine: split",
            diff=DIFF.format("a", tail),
        )
        PatchFactory(
            project=project,
            series=series,
            submitter=submitter,
            number=2,
            name=f"[{prefix}2/2] engine: speed up",
            diff=DIFF.format("x", "y"),
        )
    return v1, v2


def test_the_series_list_shows_each_series_with_version_count_and_state(
    client, project
):
    v1, v2 = versions(project)
    lone = SeriesFactory(project=project, name="docs: typo", total=3)
    PatchFactory(project=project, series=lone, number=1)
    response = client.get(f"/project/{project.linkname}/series/")
    assert response.status_code == 200
    assert row_ids(response) == [lone.pk, v2.pk, v1.pk]
    page = text(response)
    assert "v2 of 2" in page
    assert "superseded" in page
    assert "1/3" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("version=2", "v2"),
        ("complete=no", "lone"),
        ("complete=yes", "both"),
        ("state=superseded", "v1"),
        ("q=typo", "lone"),
        ("since=2999-01-01", "none"),
        ("version=abc", "all"),
    ],
)
def test_the_series_list_filters(client, project, query, expected):
    v1, v2 = versions(project)
    lone = SeriesFactory(project=project, name="docs: typo", total=3)
    PatchFactory(project=project, series=lone, number=1)
    wanted = {
        "v2": [v2.pk],
        "v1": [v1.pk],
        "lone": [lone.pk],
        "both": [v2.pk, v1.pk],
        "none": [],
        "all": [lone.pk, v2.pk, v1.pk],
    }[expected]
    response = client.get(f"/project/{project.linkname}/series/?{query}")
    assert response.status_code == 200
    assert row_ids(response) == wanted


def test_the_state_filter_finds_series_whose_patches_all_share_it(client, project):
    _, v2 = versions(project)
    accepted = State.objects.get(slug="accepted")
    Patch.objects.filter(series=v2).update(state=accepted)
    response = client.get(f"/project/{project.linkname}/series/?state={accepted.pk}")
    assert row_ids(response) == [v2.pk]
    Patch.objects.filter(series=v2, number=2).update(
        state=State.objects.get(slug="new")
    )
    response = client.get(f"/project/{project.linkname}/series/?state={accepted.pk}")
    assert row_ids(response) == []


def test_the_submitter_filter_and_sorting(client, project):
    v1, v2 = versions(project)
    other = SeriesFactory(project=project, name="aaa first by name")
    response = client.get(
        f"/project/{project.linkname}/series/?submitter={v1.submitter_id}"
    )
    assert row_ids(response) == [v2.pk, v1.pk]
    response = client.get(f"/project/{project.linkname}/series/?order=name")
    assert row_ids(response)[0] == other.pk
    response = client.get(f"/project/{project.linkname}/series/?order=-version")
    assert row_ids(response)[0] == v2.pk


def test_the_series_page_shows_cover_patches_versions_and_commands(client, project):
    v1, v2 = versions(project)
    accepted = State.objects.get(slug="accepted")
    Patch.objects.filter(series=v2).update(state=accepted)
    first = Patch.objects.get(series=v2, number=1)
    CheckFactory(patch=first, state=3)
    response = client.get(f"/series/{v2.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Changes in v2: less." in page
    assert row_ids(response) == list(
        Patch.objects.filter(series=v2).order_by("number").values_list("pk", flat=True)
    )
    links = [a.get("href") for a in elements(response, "a")]
    assert f"/series/{v2.pk}/interdiff/{v1.pk}/" in links
    assert f"/series/{v1.pk}/" in links
    assert f"/series/{v2.pk}/mbox/" in links
    assert f"git-pw series apply {v2.pk}" in page
    assert "b4 am cover-" in page
    assert "accepted" in page


def test_the_older_version_links_the_interdiff_to_the_newer(client, project):
    v1, v2 = versions(project)
    response = client.get(f"/series/{v1.pk}/")
    links = [a.get("href") for a in elements(response, "a")]
    assert f"/series/{v2.pk}/interdiff/{v1.pk}/" in links
    assert "b4 am patch-" in text(response)


def test_the_interdiff_page_shows_changes_and_the_cover_difference(client, project):
    v1, v2 = versions(project)
    response = client.get(f"/series/{v2.pk}/interdiff/{v1.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "1 unchanged, 1 changed, 0 added, 0 removed" in page
    assert "Cover letter (added)" in page
    assert "+Changes in v2: less." in page
    assert "-+b" in page
    assert "++c" in page


def test_unknown_series_and_pairs_across_projects_are_404(client, project):
    _, v2 = versions(project)
    elsewhere = SeriesFactory()
    assert client.get("/series/999999/").status_code == 404
    assert client.get(f"/series/{v2.pk}/interdiff/999999/").status_code == 404
    assert client.get(f"/series/{v2.pk}/interdiff/{elsewhere.pk}/").status_code == 404
    assert client.get("/project/nope/series/").status_code == 404


def test_the_patch_page_links_its_neighbours_and_a_newer_version(client, project):
    v1, v2 = versions(project)
    first, second = Patch.objects.filter(series=v1).order_by("number")
    response = client.get(f"/patch/{first.pk}/", follow=True)
    nav = {a.get("rel"): a.get("href") for a in elements(response, "a") if a.get("rel")}
    assert nav.get("next", "").endswith(f"/patch/{second.msgid.strip('<>')}/")
    assert "prev" not in nav
    assert "A newer version of this series is available: v2" in text(response)
    newest = Patch.objects.get(series=v2, number=2)
    response = client.get(f"/patch/{newest.pk}/", follow=True)
    nav = {a.get("rel"): a.get("href") for a in elements(response, "a") if a.get("rel")}
    assert "next" not in nav
    assert "prev" in nav
    assert "newer version" not in text(response)


def bulk(client, project, series, **fields):
    data = {"action": "update", "state": "*", "delegate": "*", "archived": "*"}
    data.update({f"series_id:{s.pk}": "checked" for s in series})
    data.update(fields)
    return client.post(f"/project/{project.linkname}/series/", data, follow=True)


def test_a_maintainer_sets_the_state_of_two_series_at_once(client, project, maintainer):
    v1, v2 = versions(project)
    untouched = SeriesFactory(project=project)
    PatchFactory(project=project, series=untouched, number=1)
    accepted = State.objects.get(slug="accepted")
    client.force_login(maintainer)
    response = bulk(client, project, [v1, v2], state=str(accepted.pk), archived="True")
    assert response.status_code == 200
    assert "2 series updated" in text(response)
    changed = Patch.objects.filter(series__in=[v1, v2])
    assert {(p.state_id, p.archived) for p in changed} == {(accepted.pk, True)}
    assert Patch.objects.get(series=untouched).state_id != accepted.pk


def test_someone_who_may_not_change_every_patch_changes_nothing(client, project, user):
    _, v2 = versions(project)
    accepted = State.objects.get(slug="accepted")
    client.force_login(user)
    response = bulk(client, project, [v2], state=str(accepted.pk))
    assert "not updated" in text(response)
    assert not Patch.objects.filter(state=accepted).exists()
    assert (
        b'name="series_id:'
        not in client.get(f"/project/{project.linkname}/series/").content
    )


def test_anonymous_bulk_posts_go_to_the_login_page(client, project):
    versions(project)
    response = client.post(f"/project/{project.linkname}/series/", {"action": "update"})
    assert response.status_code == 302
    assert "/user/login/" in response["Location"]


def test_series_of_another_project_are_left_alone(client, project, maintainer):
    foreign = SeriesFactory()
    patch = PatchFactory(project=foreign.project, series=foreign, number=1)
    accepted = State.objects.get(slug="accepted")
    client.force_login(maintainer)
    response = bulk(client, project, [foreign], state=str(accepted.pk))
    assert "No series selected" in text(response)
    patch.refresh_from_db()
    assert patch.state_id != accepted.pk


@pytest.mark.parametrize(
    "query",
    [
        "version=99999999999999999999",
        "version=²",
        "since=9999-99-99",
        "before=%00",
        "state=-1",
        "state=99999999999999999999",
        "submitter=99999999999999999999",
        "complete=maybe",
        "page=-3",
        "page=999999",
        "order=-nonsense",
        "order=__class__",
    ],
)
def test_nonsense_in_the_series_list_query_is_ignored(client, project, query):
    v1, v2 = versions(project)
    response = client.get(f"/project/{project.linkname}/series/?{query}")
    if "%00" in query:
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted([v1.pk, v2.pk])


def test_the_series_page_summarises_mixed_states_most_frequent_first(client, project):
    _, v2 = versions(project)
    PatchFactory(project=project, series=v2, number=3)
    accepted = State.objects.get(slug="accepted")
    Patch.objects.filter(series=v2, number__lte=2).update(state=accepted)
    page = text(client.get(f"/series/{v2.pk}/"))
    assert "State 2 accepted, 1 new" in page
