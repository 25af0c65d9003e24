"""``items_per_page`` is bounded by the web form's 1000 on every write path."""

import pytest

from tests.api.helpers import url
from tests.factories import PatchFactory, ProjectFactory, UserFactory
from tests.web.html import row_ids

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (1001, "Ensure this value is less than or equal to 1000."),
        (10**30, "Ensure this value is less than or equal to 1000."),
        (0, "Ensure this value is greater than or equal to 1."),
        ("many", "A valid integer is required."),
    ],
)
def test_the_api_refuses_a_page_size_out_of_bounds(api, world, value, error):
    api.as_user(world.other)
    response = api.patch_json(
        url(f"users/{world.other.pk}/"), {"settings": {"items_per_page": value}}
    )
    assert response.status_code == 400
    assert response.json() == {"settings": {"items_per_page": [error]}}
    world.other.refresh_from_db()
    assert world.other.items_per_page == 100


def test_the_api_accepts_the_largest_page_size(api, world):
    api.as_user(world.other)
    response = api.patch_json(
        url(f"users/{world.other.pk}/"), {"settings": {"items_per_page": 1000}}
    )
    assert response.status_code == 200
    assert response.json()["settings"]["items_per_page"] == 1000


def test_a_stored_page_size_above_the_bound_is_clamped(client, monkeypatch):
    project = ProjectFactory()
    for _ in range(3):
        PatchFactory(project=project)
    # A value written before the bound existed; the bound lowered so that a
    # few rows show it.
    client.force_login(UserFactory(items_per_page=10**9))
    monkeypatch.setattr("apps.web.filters.MAX_ITEMS_PER_PAGE", 2)
    response = client.get(f"/project/{project.linkname}/list/")
    assert response.status_code == 200
    assert len(row_ids(response)) == 2
