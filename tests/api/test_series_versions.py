"""API 1.5 series: versions, state, and changing all patches of a series at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.events.models import Event
from apps.patches.models import Patch, Series
from apps.patches.services.versions import series_set_previous_version
from tests.api.helpers import state, url
from tests.factories import PatchFactory, SeriesFactory

pytestmark = pytest.mark.django_db

NEW_FIELDS = {"previous_version", "next_version", "versions", "state"}


def versions_of(world, count: int = 3) -> list[Series]:
    """``world.series`` and later versions of it, linked."""
    rows = [world.series]
    for number in range(2, count + 1):
        later = SeriesFactory(
            project=world.project, submitter=world.person, version=number
        )
        PatchFactory(
            project=world.project, submitter=world.person, series=later, number=1
        )
        series_set_previous_version(series=later, previous=rows[-1])
        rows.append(later)
    return [Series.objects.get(pk=row.pk) for row in rows]


def embedded(api, series: Series) -> dict:
    body = api.get(url(f"series/{series.pk}/")).json()
    return {key: body[key] for key in ("id", "url", "name", "version", "date")}


class TestFields:
    def test_versions_previous_next_and_state(self, api, world):
        first, second, third = versions_of(world)
        body = api.get(url(f"1.5/series/{second.pk}/")).json()
        assert [v["id"] for v in body["versions"]] == [
            first.pk,
            second.pk,
            third.pk,
        ]
        assert body["previous_version"]["id"] == first.pk
        assert body["previous_version"]["url"].endswith(f"/api/1.5/series/{first.pk}/")
        assert body["next_version"]["id"] == third.pk
        assert body["next_version"]["version"] == 3
        assert body["state"] == "superseded"
        newest = api.get(url(f"series/{third.pk}/")).json()
        assert newest["next_version"] is None
        assert newest["state"] == "new"
        assert {k: newest["versions"][0][k] for k in embedded(api, first)} == (
            embedded(api, first)
        )

    def test_a_series_alone_is_its_only_version(self, api, world):
        body = api.get(url(f"series/{world.series.pk}/")).json()
        assert body["previous_version"] is None
        assert body["next_version"] is None
        assert [v["id"] for v in body["versions"]] == [world.series.pk]

    def test_mixed_states_are_summarised(self, api, world):
        for number, slug in ((2, "accepted"), (3, "accepted")):
            PatchFactory(
                project=world.project,
                series=world.series,
                number=number,
                state=state(slug),
            )
        body = api.get(url("series/")).json()
        assert body[0]["state"] == "2 accepted, 1 new"

    @pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3", "1.4"])
    def test_upstream_versions_do_not_show_them(self, api, world, version):
        versions_of(world, 2)
        listed = api.get(url("series/", version)).json()
        shown = api.get(url(f"series/{world.series.pk}/", version)).json()
        for body in (*listed, shown):
            assert not NEW_FIELDS & set(body)

    @pytest.mark.parametrize("version", ["1.0", "1.4"])
    def test_upstream_versions_cannot_patch(self, api, world, version):
        api.as_user(world.maintainer)
        path = url(f"series/{world.series.pk}/", version)
        response = api.patch_json(path, {"state": "accepted"})
        assert response.status_code == 405
        assert api.get(path)["Allow"] == "GET, HEAD, OPTIONS"
        assert api.options(path)["Allow"] == "GET, HEAD, OPTIONS"
        assert "actions" not in api.options(path).json()
        assert Patch.objects.get(pk=world.patch.pk).state.slug == "new"


class TestBulkUpdate:
    def add_patch(self, world, number: int, **kwargs) -> Patch:
        return PatchFactory(
            project=world.project, series=world.series, number=number, **kwargs
        )

    def test_maintainer_sets_state_delegate_archived_on_every_patch(self, api, world):
        self.add_patch(world, 2)
        api.as_user(world.maintainer)
        response = api.patch_json(
            url(f"1.5/series/{world.series.pk}/"),
            {"state": "accepted", "delegate": world.maintainer.pk, "archived": True},
        )
        assert response.status_code == 200
        assert response.json()["state"] == "accepted"
        rows = Patch.objects.filter(series=world.series)
        assert {(p.state.slug, p.delegate_id, p.archived) for p in rows} == {
            ("accepted", world.maintainer.pk, True)
        }
        changed = Event.objects.filter(category="patch-state-changed")
        assert sorted(changed.values_list("patch_id", flat=True)) == sorted(
            p.pk for p in rows
        )
        assert set(changed.values_list("actor_id", flat=True)) == {world.maintainer.pk}

    def test_all_or_nothing_when_one_patch_is_not_the_callers(self, api, world):
        # The submitter may change their own patch but not someone else's.
        foreign = self.add_patch(world, 2)
        api.as_user(world.submitter)
        response = api.patch_json(
            url(f"series/{world.series.pk}/"), {"state": "accepted"}
        )
        assert response.status_code == 403
        assert str(foreign.pk) in response.json()["detail"]
        assert set(
            Patch.objects.filter(series=world.series).values_list(
                "state__slug", flat=True
            )
        ) == {"new"}
        assert not Event.objects.filter(category="patch-state-changed").exists()

    def test_the_submitter_changes_a_series_of_their_own_patches(self, api, world):
        self.add_patch(world, 2, submitter=world.person)
        api.as_user(world.submitter)
        response = api.patch_json(url(f"series/{world.series.pk}/"), {"archived": True})
        assert response.status_code == 200
        assert all(
            Patch.objects.filter(series=world.series).values_list("archived", flat=True)
        )

    @pytest.mark.parametrize("role", ["anonymous", "other"])
    def test_strangers_change_nothing(self, api, world, role):
        api.as_user(None if role == "anonymous" else world.other)
        response = api.patch_json(
            url(f"series/{world.series.pk}/"), {"state": "accepted"}
        )
        assert response.status_code in (401, 403)
        assert Patch.objects.get(pk=world.patch.pk).state.slug == "new"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"state": "no-such-state"}, "state"),
            ({"state": 7}, "state"),
            ({"archived": "perhaps"}, "archived"),
            ({"delegate": 999999}, "delegate"),
            ({"previous_version": "x"}, "previous_version"),
            ({"previous_version": 999999}, "previous_version"),
        ],
    )
    def test_bad_values_are_a_400_naming_the_field(self, api, world, body, field):
        api.as_user(world.maintainer)
        response = api.patch_json(url(f"series/{world.series.pk}/"), body)
        assert response.status_code == 400
        assert field in response.json()

    def test_a_delegate_must_maintain_the_project(self, api, world):
        self.add_patch(world, 2)
        api.as_user(world.maintainer)
        response = api.patch_json(
            url(f"series/{world.series.pk}/"),
            {"state": "accepted", "delegate": world.other.pk},
        )
        assert response.status_code == 400
        assert "delegate" in response.json()
        assert set(
            Patch.objects.filter(series=world.series).values_list(
                "state__slug", "delegate_id"
            )
        ) == {("new", None), ("new", world.delegate.pk)}


class TestVersionLinks:
    def test_a_maintainer_corrects_a_link(self, api, world):
        first, _, third = versions_of(world)
        api.as_user(world.maintainer)
        response = api.patch_json(
            url(f"1.5/series/{third.pk}/"), {"previous_version": first.pk}
        )
        assert response.status_code == 200
        assert response.json()["previous_version"]["id"] == first.pk
        assert Series.objects.get(pk=third.pk).previous_version_manual
        response = api.patch_json(
            url(f"series/{third.pk}/"), {"previous_version": None}
        )
        assert response.json()["previous_version"] is None
        assert [v["id"] for v in response.json()["versions"]] == [third.pk]

    def test_only_maintainers_link_versions(self, api, world):
        first, second = versions_of(world, 2)
        # The submitter may change the patches, not the links.
        api.as_user(world.submitter)
        response = api.patch_json(
            url(f"series/{second.pk}/"),
            {"previous_version": None, "archived": True},
        )
        assert response.status_code == 403
        assert Series.objects.get(pk=second.pk).previous_version_id == first.pk
        assert not Patch.objects.filter(archived=True).exists()

    def test_loops_and_other_projects_are_refused(self, api, world):
        first, second = versions_of(world, 2)
        elsewhere = SeriesFactory()
        api.as_user(world.maintainer)
        for target, previous in ((first, second), (second, elsewhere)):
            response = api.patch_json(
                url(f"series/{target.pk}/"), {"previous_version": previous.pk}
            )
            assert response.status_code == 400
            assert "previous_version" in response.json()
        assert Series.objects.get(pk=second.pk).previous_version_id == first.pk


def detail_queries(api, series: Series) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url(f"series/{series.pk}/")).status_code == 200
    return len(captured.captured_queries)


def test_series_detail_query_count_does_not_grow_with_versions(api, world):
    few = versions_of(world, 2)
    with_few = detail_queries(api, few[0])
    later = SeriesFactory(project=world.project, submitter=world.person, version=3)
    for number in range(4, 9):
        series_set_previous_version(series=later, previous=few[-1])
        few.append(later)
        later = SeriesFactory(
            project=world.project, submitter=world.person, version=number
        )
    assert len(Series.objects.get(pk=few[0].pk).next_versions.all()) == 1
    assert detail_queries(api, few[0]) == with_few


def test_maintainers_switch_the_series_options_of_their_project(api, world):
    body = api.get(url("projects/world/")).json()
    assert (body["supersede_old_versions"], body["cover_tags"]) == (False, True)
    api.as_user(world.maintainer)
    switched = {"supersede_old_versions": True, "cover_tags": False}
    old = api.patch_json(url("projects/world/", "1.4"), switched)
    assert old.status_code == 200
    assert not {"supersede_old_versions", "cover_tags"} & set(old.json())
    world.project.refresh_from_db()
    assert (world.project.supersede_old_versions, world.project.cover_tags) == (
        False,
        True,
    )
    response = api.patch_json(url("projects/world/", "1.5"), switched)
    assert response.status_code == 200
    world.project.refresh_from_db()
    assert (world.project.supersede_old_versions, world.project.cover_tags) == (
        True,
        False,
    )
    api.as_user(world.other)
    refused = api.patch_json(url("projects/world/"), {"cover_tags": True})
    assert refused.status_code == 403
