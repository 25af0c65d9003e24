"""A maintainer corrects a series' previous version from the series page."""

import pytest
from django.test import Client

from apps.patches.models import Series
from apps.patches.services.versions import series_set_previous_version
from tests.factories import PatchFactory, ProjectFactory, SeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(project):
    rows = []
    for number in (1, 2, 3):
        series = SeriesFactory(project=project, version=number, name="fix leak")
        PatchFactory(project=project, series=series, number=1)
        rows.append(series)
    series_set_previous_version(series=rows[1], previous=rows[0])
    return rows


def post(client, series, value):
    path = f"/series/{series.pk}/previous-version/"
    return client.post(path, {"previous_version": value}, follow=True)


def previous_id(series) -> int | None:
    return Series.objects.get(pk=series.pk).previous_version_id


def test_the_form_shows_to_maintainers_only(client, maintainer, user, versions):
    page = f"/series/{versions[1].pk}/"
    assert "previous_version" not in client.get(page).content.decode()
    client.force_login(user)
    assert "previous_version" not in client.get(page).content.decode()
    client.force_login(maintainer)
    html = client.get(page).content.decode()
    field = 'name="previous_version" inputmode="numeric" size="8"'
    assert f'{field} value="{versions[0].pk}"' in html


def test_a_maintainer_sets_and_clears_a_link(client, maintainer, versions):
    _, second, third = versions
    client.force_login(maintainer)
    response = post(client, third, str(second.pk))
    assert "Previous version set." in response.content.decode()
    assert previous_id(third) == second.pk
    assert Series.objects.get(pk=third.pk).previous_version_manual
    response = post(client, second, "")
    assert "Previous version cleared." in response.content.decode()
    assert previous_id(second) is None
    assert response.redirect_chain[-1][0] == f"/series/{second.pk}/"


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "0", "-1", "²"])
def test_values_naming_no_series_are_a_message(client, maintainer, versions, value):
    client.force_login(maintainer)
    response = post(client, versions[1], value)
    assert response.status_code == 200
    assert "No series with that ID." in response.content.decode()
    assert previous_id(versions[1]) == versions[0].pk


def test_loops_and_other_projects_are_refused(client, maintainer, versions):
    elsewhere = SeriesFactory(project=ProjectFactory())
    client.force_login(maintainer)
    for value, message in (
        (versions[1].pk, "loop"),
        (elsewhere.pk, "another project"),
    ):
        response = post(client, versions[0], str(value))
        assert message in response.content.decode()
    assert previous_id(versions[0]) is None


def test_other_users_and_visitors_change_nothing(client, user, versions):
    response = client.post(
        f"/series/{versions[2].pk}/previous-version/",
        {"previous_version": versions[0].pk},
    )
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(user)
    response = post(client, versions[2], str(versions[0].pk))
    assert "maintainers" in response.content.decode()
    assert previous_id(versions[2]) is None


def test_the_form_needs_its_csrf_token(maintainer, versions):
    client = Client(enforce_csrf_checks=True)
    client.force_login(maintainer)
    response = client.post(
        f"/series/{versions[2].pk}/previous-version/",
        {"previous_version": versions[0].pk},
    )
    assert response.status_code == 403
    assert previous_id(versions[2]) is None


def test_only_post(client, maintainer, versions):
    client.force_login(maintainer)
    assert client.get(f"/series/{versions[0].pk}/previous-version/").status_code == 405
    assert client.post("/series/999999/previous-version/").status_code == 404
