"""The browsable API (``?format=api``) and OPTIONS (§2.2, Appendix)."""

import re

import pytest

from tests.api.helpers import browsable_page, url
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverCommentFactory,
    PatchCommentFactory,
)

pytestmark = pytest.mark.django_db

DETAIL = "get:\nShow a {0}.\n\npatch:\nUpdate a {0}.\n\nput:\nUpdate a {0}."

# route -> (view name, description), rest-api.md Appendix.
VIEWS = {
    "": ("Index", ""),
    "projects/": ("Project List", "List projects."),
    "projects/{project}/": ("Project Detail", DETAIL.format("project")),
    "users/": ("User List", "List users."),
    "users/{user}/": ("User Detail", DETAIL.format("user")),
    "people/": ("Person List", "List users."),
    "people/{person}/": ("Person Detail", "Show a user."),
    "patches/": ("Patch List", "List patches."),
    "patches/{patch}/": ("Patch Detail", DETAIL.format("patch")),
    "patches/{patch}/comments/": ("Patch Comment List", "List patch comments"),
    "patches/{patch}/comments/{patch_comment}/": (
        "Patch Comment Detail",
        DETAIL.format("patch comment"),
    ),
    "patches/{patch}/checks/": (
        "Check List Create",
        "get:\nList checks.\n\npost:\nCreate a check.",
    ),
    "patches/{patch}/checks/{check}/": ("Check Detail", "Show a check."),
    "covers/": ("Cover List", "List cover letters."),
    "covers/{cover}/": ("Cover Detail", "Show a cover letter."),
    "covers/{cover}/comments/": ("Cover Comment List", "List cover comments"),
    "covers/{cover}/comments/{cover_comment}/": (
        "Cover Comment Detail",
        DETAIL.format("cover comment"),
    ),
    "series/": ("Series List", "List series."),
    "series/{series}/": ("Series Detail", "Show a series."),
    "bundles/": ("Bundle List", "List or create bundles."),
    "bundles/{bundle}/": (
        "Bundle Detail",
        DETAIL.format("bundle") + "\n\ndelete:\nDelete a bundle.",
    ),
    "events/": ("Event List", "List events."),
}


def with_format(value):
    if isinstance(value, list):
        return [with_format(item) for item in value]
    if isinstance(value, dict):
        return {
            key: item + "?format=api" if key == "url" else with_format(item)
            for key, item in value.items()
        }
    return value


def fill(route, world):
    bundle = BundleFactory(
        owner=world.other, project=world.project, patches=[world.patch], public=True
    )
    return route.format(
        project=world.project.pk,
        user=world.other.pk,
        person=world.person.pk,
        patch=world.patch.pk,
        patch_comment=PatchCommentFactory(patch=world.patch).pk,
        check=CheckFactory(patch=world.patch).pk,
        cover=world.cover.pk,
        cover_comment=CoverCommentFactory(cover=world.cover).pk,
        series=world.series.pk,
        bundle=bundle.pk,
    )


@pytest.mark.parametrize(("route", "expected"), VIEWS.items())
def test_options_name_description_and_media_types(api, world, route, expected):
    api.as_user(world.other)
    body = api.options(url(fill(route, world))).json()
    assert (body["name"], body["description"]) == expected
    assert body["renders"] == ["application/json", "text/html"]
    assert body["parses"] == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]


@pytest.mark.parametrize(("route", "expected"), VIEWS.items())
def test_browsable_page_title_and_description(api, world, route, expected):
    api.as_user(world.other)
    response = api.get(url(fill(route, world)) + "?format=api")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = browsable_page(response.content.decode())
    assert page.title == f"{expected[0]} \N{EN DASH} Django REST framework"
    assert page.description == expected[1]


def test_patch_detail_page(api, world):
    response = api.get(url(f"patches/{world.patch.pk}/", "1.3") + "?format=api")
    page = browsable_page(response.content.decode())
    assert page.request_line == f"GET /api/1.3/patches/{world.patch.pk}/?format=api"
    assert page.status_line == "HTTP 200 OK"
    assert page.headers == {
        "Allow": "GET, PUT, PATCH, HEAD, OPTIONS",
        "Content-Type": "application/json",
        "Vary": "Accept",
    }
    plain = api.get(url(f"patches/{world.patch.pk}/", "1.3")).json()
    # Equal to the JSON answer, except that API resource links (``url``)
    # carry the format override; web links and sub-collections do not.
    assert page.body == with_format(plain)
    # Pretty-printed with four-space indents.
    assert "\n    &quot;id&quot;: " in response.content.decode()


def test_list_page_shows_the_link_header(api, world):
    response = api.get(url("patches/") + "?format=api")
    page = browsable_page(response.content.decode())
    assert page.headers["Link"].startswith("<http://testserver/api/patches/?format=api")
    assert isinstance(page.body, list)


@pytest.mark.parametrize(
    ("who", "has_put"),
    [("anonymous", False), ("other", False), ("submitter", True), ("maintainer", True)],
)
def test_options_actions_only_for_who_may_write(api, world, who, has_put):
    api.as_user(world.role(who))
    body = api.options(url(f"patches/{world.patch.pk}/")).json()
    assert ("actions" in body) is has_put
    if has_put:
        put = body["actions"]["PUT"]
        assert put["state"]["read_only"] is False
        assert put["name"]["read_only"] is True
        assert put["commit_ref"]["max_length"] == 255


def test_options_actions_on_lists(api, world):
    # The checks rule is decided per patch when creating: everyone sees POST.
    assert (
        "POST"
        in api.options(url(f"patches/{world.patch.pk}/checks/")).json()["actions"]
    )
    assert "actions" not in api.options(url("bundles/")).json()
    api.as_user(world.other)
    assert "POST" in api.options(url("bundles/")).json()["actions"]
    assert "actions" not in api.options(url("bundles/", "1.1")).json()
    assert "PUT" in api.options(url(f"users/{world.other.pk}/")).json()["actions"]
    assert "actions" not in api.options(url(f"users/{world.submitter.pk}/")).json()


WRITE_FORMS = {
    "projects/{project}/": "PUT",
    "users/{user}/": "PUT",
    "patches/{patch}/": "PUT",
    "patches/{patch}/comments/{patch_comment}/": "PUT",
    "covers/{cover}/comments/{cover_comment}/": "PUT",
    "patches/{patch}/checks/": "POST",
    "bundles/": "POST",
    "bundles/{bundle}/": "PUT",
    # A raw-data form whose button sends PATCH (API 1.5).
    "series/{series}/": "PUT",
}


@pytest.mark.parametrize("route", [r for r in VIEWS if r != ""])
def test_pages_with_edit_forms_render_for_people_who_may_write(api, world, route):
    """Who may write gets the edit forms; none of them may fail to render."""
    api.as_user(world.maintainer)
    path = fill(route, world)
    if route.startswith("users/"):
        path = path.replace(str(world.other.pk), str(world.maintainer.pk))
    if route.startswith("bundles/{"):
        api.as_user(world.other)  # the bundle's owner
    response = api.get(url(path) + "?format=api")
    assert response.status_code == 200
    page = response.content.decode()
    method = WRITE_FORMS.get(route)
    # POST forms submit natively; the others through data-method.
    forms = re.findall(r'<form action="[^"]*" (?:data-)?method="([A-Z]+)"', page)
    assert set(forms) == ({method} if method else set())
    if route == "patches/{patch}/":
        for field in ("state", "delegate", "archived", "commit_ref", "related"):
            assert f'name="{field}"' in page
