"""Id lists in request bodies (``patches``, ``related``) cost a fixed number of queries.

Each list is resolved with one query, whatever its length; lists longer
than the largest page (250) are refused with a 400 before any lookup.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.bundles.models import Bundle
from apps.patches.models import Patch
from tests.api.helpers import url
from tests.factories import PatchFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "Ensure this field has no more than 250 elements."


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return len(captured), response


@pytest.fixture
def owner_api(api, world):
    return api.token_auth(world.other)


def create_bundle(api, name, patches):
    return api.post_json(url("bundles/"), {"name": name, "patches": patches})


def test_a_bundle_of_one_id_repeated_costs_what_one_id_costs(owner_api, world):
    pk = world.patch.pk
    one, response = queries_of(lambda: create_bundle(owner_api, "one", [pk]))
    assert response.status_code == 201, response.content
    many, response = queries_of(lambda: create_bundle(owner_api, "many", [pk] * 250))
    assert response.status_code == 201, response.content
    assert many == one
    assert [p["id"] for p in response.json()["patches"]] == [pk]


def test_twenty_thousand_ids_are_refused_before_any_lookup(owner_api, world):
    count, response = queries_of(
        lambda: create_bundle(owner_api, "huge", [world.patch.pk] * 20000)
    )
    assert response.status_code == 400
    assert response.json() == {"patches": [TOO_LONG]}
    # The token and its user, nothing per element.
    assert count <= 2
    assert not Bundle.objects.filter(name="huge").exists()


def test_the_limit_follows_the_largest_page(owner_api, world, settings):
    settings.MAX_REST_RESULTS_PER_PAGE = 3
    response = create_bundle(owner_api, "four", [world.patch.pk] * 4)
    assert response.json() == {
        "patches": ["Ensure this field has no more than 3 elements."]
    }


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (999999, 'Invalid pk "999999" - object does not exist.'),
        (10**30, f'Invalid pk "{10**30}" - object does not exist.'),
        (-4, 'Invalid pk "-4" - object does not exist.'),
        ("abc", "Incorrect type. Expected pk value, received str."),
        ("9" * 5000, "Incorrect type. Expected pk value, received str."),
        (True, "Incorrect type. Expected pk value, received bool."),
        (1.5, "Incorrect type. Expected pk value, received float."),
        ({"id": 1}, "Incorrect type. Expected pk value, received dict."),
        (None, 'Invalid pk "None" - object does not exist.'),
    ],
)
def test_bad_ids_get_the_usual_errors(owner_api, world, item, error):
    response = create_bundle(owner_api, "bad", [world.patch.pk, item])
    assert response.status_code == 400
    assert response.json() == {"patches": [error]}


def test_the_first_bad_id_in_the_order_given_is_reported(owner_api, world):
    response = create_bundle(owner_api, "bad", [world.patch.pk, 999999, "x"])
    assert response.json() == {
        "patches": ['Invalid pk "999999" - object does not exist.']
    }


def test_ids_as_strings_resolve_in_the_order_given(owner_api, world):
    earlier = PatchFactory(project=world.project)
    response = create_bundle(
        owner_api, "strings", [str(earlier.pk), f" {world.patch.pk} "]
    )
    assert response.status_code == 201, response.content
    bundle = Bundle.objects.get(name="strings")
    order = bundle.bundlepatch_set.order_by("order").values_list("patch_id", flat=True)
    assert list(order) == [earlier.pk, world.patch.pk]


def test_related_resolves_its_ids_with_one_query(api, world):
    api.token_auth(world.maintainer)
    other = PatchFactory(project=world.project)
    path = url(f"patches/{world.patch.pk}/")
    one, response = queries_of(lambda: api.patch_json(path, {"related": [other.pk]}))
    assert response.status_code == 200, response.content
    many, response = queries_of(
        lambda: api.patch_json(path, {"related": [other.pk] * 250})
    )
    assert response.status_code == 200, response.content
    assert many <= one
    assert [p["id"] for p in response.json()["related"]] == [other.pk]
    too_many = api.patch_json(path, {"related": [other.pk] * 251})
    assert too_many.status_code == 400
    assert too_many.json() == {"related": [TOO_LONG]}
    world.patch.refresh_from_db()
    assert Patch.objects.filter(related=world.patch.related).count() == 2
