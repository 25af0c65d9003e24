"""Every number a client sends (GET and POST) is parsed without a server error.

Python's ``int()`` refuses some strings ``str.isdigit()`` accepts ("²"),
accepts digits of other scripts ("١٢"), refuses strings of more than 4300
digits, and a parsed number may not fit a database column. Whatever a field
receives, the answer is the one for a wrong value (ignored, 400 or 404),
never a 500.
"""

import pytest
from django.test import Client

from tests.factories import (
    BundleFactory,
    CheckFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE_NUMBERS = [
    "²",
    "١٢",
    "٣",
    "9" * 25,
    "9" * 5000,
    "-1",
    "0",
    "1.5",
    "1e400",
    " 1 ",
    "0x10",
    "1_000",
    "",
    "\x00",
    "1\x00",
]


class Site:
    def __init__(self):
        self.owner = UserFactory(username="owner")
        self.project = ProjectFactory(linkname="p", maintainers=[self.owner])
        self.person = PersonFactory(user=self.owner)
        self.patch = PatchFactory(project=self.project, submitter=self.person)
        CheckFactory(patch=self.patch, user=self.owner)
        self.bundle = BundleFactory(
            owner=self.owner, project=self.project, patches=[self.patch], public=True
        )
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.owner)


@pytest.fixture
def site():
    return Site()


def web_gets(site) -> list[tuple[str, list[str]]]:
    filters = ["series", "submitter", "state", "delegate", "archive", "page"]
    bundle = f"/bundle/owner/{site.bundle.name}/"
    patch = f"/project/p/patch/{site.patch.msgid.strip('<>')}/"
    return [
        ("/project/p/list/", [*filters, "order"]),
        ("/user/todo/p/", filters),
        (bundle, filters),
        (patch + "mbox/", ["series"]),
        ("/submitter/", ["l", "q"]),
        ("/delegate/", ["l", "q"]),
    ]


API_GETS = [
    (
        "patches/",
        [
            "project",
            "series",
            "submitter",
            "delegate",
            "state",
            "archived",
            "page",
            "per_page",
            "since",
            "before",
        ],
    ),
    ("covers/", ["project", "series", "submitter", "page"]),
    ("series/", ["project", "submitter", "page"]),
    ("events/", ["project", "series", "patch", "cover", "actor", "category"]),
    ("bundles/", ["project", "owner", "public"]),
    ("people/", ["page", "per_page"]),
    ("users/", ["page"]),
    ("projects/", ["page"]),
]


def assert_no_server_error(response, where) -> None:
    assert response.status_code < 500, (where, response.status_code)


@pytest.mark.parametrize("value", HOSTILE_NUMBERS, ids=repr)
def test_web_query_numbers(site, value):
    for path, names in web_gets(site):
        for name in names:
            response = site.client.get(path, {name: value})
            assert_no_server_error(response, (path, name))


@pytest.mark.parametrize("value", HOSTILE_NUMBERS, ids=repr)
def test_api_query_numbers(site, value):
    checks = f"patches/{site.patch.pk}/checks/"
    for path, names in [*API_GETS, (checks, ["user", "state", "since"])]:
        for name in names:
            response = site.client.get(f"/api/{path}", {name: value})
            assert_no_server_error(response, (path, name))


@pytest.mark.parametrize("value", HOSTILE_NUMBERS, ids=repr)
def test_web_form_numbers(site, value):
    list_form = {"form": "patch-list-form", f"patch_id:{value}": "on"}
    posts = [
        ("/project/p/list/", {**list_form, "action": "update", "state": value}),
        ("/project/p/list/", {**list_form, "action": "update", "delegate": value}),
        ("/project/p/list/", {**list_form, "action": "add", "bundle_id": value}),
        ("/project/p/list/", {**list_form, "action": "create", "name": value}),
        ("/user/bundles/", {"form_name": "deletebundleform", "bundle_id": value}),
        (
            f"/bundle/owner/{site.bundle.name}/",
            {"form": "reorder-form", "neworder": [value, str(site.patch.pk)]},
        ),
        (
            f"/bundle/owner/{site.bundle.name}/",
            {"form": "reorder-form", "move": f"up:{value}"},
        ),
        (
            f"/bundle/owner/{site.bundle.name}/",
            {"form": "reorder-form", "order_start": value, "neworder": value},
        ),
        (
            f"/project/p/patch/{site.patch.msgid.strip('<>')}/",
            {"action": "add", "bundle_id": value},
        ),
        (
            f"/project/p/patch/{site.patch.msgid.strip('<>')}/",
            {"action": "update", "state": value, "delegate": value},
        ),
        ("/user/", {"items_per_page": value}),
    ]
    for path, data in posts:
        response = site.client.post(path, data)
        assert_no_server_error(response, (path, data))


@pytest.mark.parametrize("number", ["9" * 19, "9" * 25, "9" * 400])
def test_path_ids_too_large_for_a_column(site, number):
    paths = [
        f"/patch/{number}/",
        f"/cover/{number}/",
        f"/comment/{number}/",
        f"/series/{number}/mbox/",
        f"/patch/{number}/mbox/",
        f"/patch/{number}/raw/",
        f"/cover/{number}/mbox/",
        f"/user/bundle/{number}/",
        f"/user/bundle/{number}/mbox/",
        f"/api/patches/{number}/",
        f"/api/patches/{number}/checks/",
        f"/api/patches/{site.patch.pk}/checks/{number}/",
        f"/api/patches/{site.patch.pk}/comments/{number}/",
        f"/api/series/{number}/",
        f"/api/bundles/{number}/",
        f"/api/people/{number}/",
        f"/api/events/?patch={number}",
    ]
    for path in paths:
        response = site.client.get(path)
        assert response.status_code in (301, 302, 404, 200), (path, response)
    response = site.client.post(f"/user/unlink/{number}/")
    assert_no_server_error(response, "unlink")
