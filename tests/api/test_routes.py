"""URL layout, versions, negotiation and the general HTTP behaviour (§1, §2, §4)."""

import json

import pytest

from tests.api.helpers import url
from tests.factories import (
    BundleFactory,
    CheckFactory,
    CoverCommentFactory,
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

VERSIONS = (None, "1.0", "1.1", "1.2", "1.3", "1.4", "1.5")


@pytest.mark.parametrize("version", VERSIONS)
def test_index_lists_resources_in_the_requested_version(api, version):
    response = api.get(url("", version))
    assert response.status_code == 200
    prefix = (
        f"http://testserver/api/{version}/" if version else "http://testserver/api/"
    )
    assert response.json() == {
        name: f"{prefix}{name}/"
        for name in (
            "projects",
            "users",
            "people",
            "patches",
            "covers",
            "series",
            "events",
            "bundles",
        )
    }


ALLOW = {
    "": "GET, HEAD, OPTIONS",
    "projects/": "GET, HEAD, OPTIONS",
    "projects/{project}/": "GET, PUT, PATCH, HEAD, OPTIONS",
    "users/": "GET, HEAD, OPTIONS",
    "users/{user}/": "GET, PUT, PATCH, HEAD, OPTIONS",
    "people/": "GET, HEAD, OPTIONS",
    "people/{person}/": "GET, HEAD, OPTIONS",
    "patches/": "GET, HEAD, OPTIONS",
    "patches/{patch}/": "GET, PUT, PATCH, HEAD, OPTIONS",
    "patches/{patch}/checks/": "GET, POST, HEAD, OPTIONS",
    "patches/{patch}/checks/{check}/": "GET, HEAD, OPTIONS",
    "patches/{patch}/comments/": "GET, HEAD, OPTIONS",
    "patches/{patch}/comments/{patch_comment}/": "GET, PUT, PATCH, HEAD, OPTIONS",
    "covers/": "GET, HEAD, OPTIONS",
    "covers/{cover}/": "GET, HEAD, OPTIONS",
    "covers/{cover}/comments/": "GET, HEAD, OPTIONS",
    "covers/{cover}/comments/{cover_comment}/": "GET, PUT, PATCH, HEAD, OPTIONS",
    "series/": "GET, HEAD, OPTIONS",
    # Unversioned is 1.5, which updates a series' patches (1.0-1.4: read-only).
    "series/{series}/": "GET, PATCH, HEAD, OPTIONS",
    "bundles/": "GET, POST, HEAD, OPTIONS",
    "bundles/{bundle}/": "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
    "events/": "GET, HEAD, OPTIONS",
}


def fill(path: str, world) -> str:
    check = CheckFactory(patch=world.patch)
    patch_comment = PatchCommentFactory(patch=world.patch)
    cover_comment = CoverCommentFactory(cover=world.cover)
    bundle = BundleFactory(
        owner=world.other, project=world.project, patches=[world.patch], public=True
    )
    return path.format(
        project=world.project.pk,
        user=world.other.pk,
        person=world.person.pk,
        patch=world.patch.pk,
        check=check.pk,
        patch_comment=patch_comment.pk,
        cover=world.cover.pk,
        cover_comment=cover_comment.pk,
        series=world.series.pk,
        bundle=bundle.pk,
    )


@pytest.mark.parametrize(("route", "allow"), ALLOW.items())
def test_allow_header_is_static_per_route(api, world, route, allow):
    api.as_user(world.other)
    response = api.get(url(fill(route, world)))
    assert response.status_code == 200
    assert response["Allow"] == allow


def test_allow_lists_writes_even_where_the_version_refuses_them(api, world):
    api.as_user(world.other)
    response = api.post(url("bundles/", "1.1"), {"name": "x", "patches": [1]})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_bundle_writes_are_405_before_1_2_whoever_asks(api, world, method, version):
    bundle = BundleFactory(
        owner=world.other, project=world.project, patches=[world.patch]
    )
    path = url("bundles/" if method == "post" else f"bundles/{bundle.pk}/", version)
    for user in (None, world.other):
        api.as_user(user)
        response = getattr(api, method)(path)
        assert response.status_code == 405
        assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


@pytest.mark.parametrize(
    "path",
    [
        "/api/1.6/",
        "/api/2.0/patches/",
        "/api/1.0/patches/{patch}/comments/",
        "/api/1.0/covers/{cover}/comments/",
        "/api/1.2/patches/{patch}/comments/{patch_comment}/",
        "/api/1.2/covers/{cover}/comments/{cover_comment}/",
        "/api/patches/abc/",
        "/api/people/abc/",
        "/api/nothing/",
    ],
)
def test_unmatched_routes_are_the_sites_html_404(api, world, path):
    response = api.get(fill(path, world))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/1.1/patches/{patch}/comments/", 200),
        ("/api/1.3/patches/{patch}/comments/{patch_comment}/", 200),
        ("/api/1.3/covers/{cover}/comments/{cover_comment}/", 200),
    ],
)
def test_comment_routes_exist_from_their_version(api, world, path, status):
    assert api.get(fill(path, world)).status_code == status


@pytest.mark.parametrize("method", ["get", "patch", "post", "delete"])
def test_missing_trailing_slash_redirects_keeping_the_query(api, method):
    response = getattr(api, method)("/api/1.2/patches?project=linux&state=new")
    assert response.status_code == 301
    assert response["Location"] == "/api/1.2/patches/?project=linux&state=new"


def test_api_root_without_slash_redirects(api):
    response = api.get("/api")
    assert response.status_code == 301
    assert response["Location"] == "/api/"


def test_b4_style_request_follows_the_redirect(api, world):
    response = api.get(
        f"/api/1.2/patches?project=world&msgid={world.patch.msgid.strip('<>')}",
        follow=True,
    )
    assert [item["id"] for item in response.json()] == [world.patch.pk]


def test_json_is_compact_utf8_without_charset(api):
    ProjectFactory(name="Ünïcode ✓")
    response = api.get(url("projects/"))
    assert response["Content-Type"] == "application/json"
    assert "Ünïcode ✓".encode() in response.content
    assert b'": ' not in response.content
    assert b", " not in response.content


def test_vary_and_default_security_headers_no_caching(api, world):
    response = api.get(url(f"patches/{world.patch.pk}/"))
    assert response["Vary"] == "Accept, Cookie"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    for header in (
        "ETag",
        "Last-Modified",
        "Cache-Control",
        "Access-Control-Allow-Origin",
    ):
        assert header not in response


def test_accept_negotiation(api, world):
    path = url(f"patches/{world.patch.pk}/")
    assert api.get(path, HTTP_ACCEPT="application/json")["Content-Type"] == (
        "application/json"
    )
    assert api.get(path, HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"
    assert api.get(path, HTTP_ACCEPT="text/html")["Content-Type"] == (
        "text/html; charset=utf-8"
    )
    refused = api.get(path, HTTP_ACCEPT="application/xml")
    assert refused.status_code == 406
    assert refused.json() == {"detail": "Could not satisfy the request Accept header."}


def test_unknown_format_is_a_json_404(api, world):
    response = api.get(url(f"patches/{world.patch.pk}/") + "?format=xml")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unsupported_request_media_type_is_415(api, world):
    api.as_user(world.maintainer)
    response = api.patch(
        url(f"patches/{world.patch.pk}/"), "state=new", content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "text/plain" in request.'
    }


def test_malformed_json_is_400(api, world):
    api.as_user(world.maintainer)
    response = api.patch(
        url(f"patches/{world.patch.pk}/"), "{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")


def test_empty_body_changes_nothing(api, world):
    api.as_user(world.maintainer)
    response = api.patch(url(f"patches/{world.patch.pk}/"))
    assert response.status_code == 200
    assert response.json()["state"] == "new"


def test_head_has_get_status_and_headers_without_body(api, world):
    get = api.get(url("patches/"))
    head = api.head(url("patches/"))
    assert head.status_code == 200
    assert head["Link"] == get["Link"]
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


class TestUrls:
    """URL fields: versioned ``url``, unversioned sub-collections, web links."""

    def test_versioned_request_versions_resource_urls(self, api, world):
        body = api.get(url(f"patches/{world.patch.pk}/", "1.2")).json()
        host = "http://testserver"
        assert body["url"] == f"{host}/api/1.2/patches/{world.patch.pk}/"
        assert body["project"]["url"] == f"{host}/api/1.2/projects/{world.project.pk}/"
        assert body["submitter"]["url"] == f"{host}/api/1.2/people/{world.person.pk}/"
        assert body["series"][0]["url"] == f"{host}/api/1.2/series/{world.series.pk}/"
        # Sub-collections are never versioned.
        assert body["comments"] == f"{host}/api/patches/{world.patch.pk}/comments/"
        assert body["checks"] == f"{host}/api/patches/{world.patch.pk}/checks/"

    def test_unversioned_request_builds_unversioned_urls(self, api, world):
        body = api.get(url(f"patches/{world.patch.pk}/")).json()
        assert body["url"] == f"http://testserver/api/patches/{world.patch.pk}/"

    def test_format_override_leaks_into_url_fields_only(self, api, world):
        response = api.get(url(f"patches/{world.patch.pk}/", "1.1") + "?format=json")
        body = response.json()
        assert body["url"].endswith(f"/api/1.1/patches/{world.patch.pk}/?format=json")
        assert body["project"]["url"].endswith("?format=json")
        assert body["comments"].endswith("/comments/")
        assert body["mbox"].endswith("/mbox/")

    def test_web_links(self, api, world):
        patch = PatchFactory(project=world.project, msgid="<a/b+c@example.com>")
        body = api.get(url(f"patches/{patch.pk}/")).json()
        web = "http://testserver/project/world/patch/a%252Fb+c@example.com/"
        assert body["web_url"] == web
        assert body["mbox"] == web + "mbox/"
        series = api.get(url(f"series/{world.series.pk}/")).json()
        assert series["web_url"] == (
            f"http://testserver/project/world/list/?series={world.series.pk}"
        )
        assert series["mbox"] == f"http://testserver/series/{world.series.pk}/mbox/"

    def test_host_comes_from_the_request(self, api, world, settings):
        settings.ALLOWED_HOSTS = ["patches.example.org"]
        body = api.get(url("", "1.3"), HTTP_HOST="patches.example.org:8080").json()
        assert body["patches"] == "http://patches.example.org:8080/api/1.3/patches/"


def test_json_bodies_and_form_bodies_both_parse(api, world):
    api.as_user(world.maintainer)
    path = url(f"patches/{world.patch.pk}/")
    assert (
        api.patch(
            path, "state=rejected", content_type=("application/x-www-form-urlencoded")
        ).json()["state"]
        == "rejected"
    )
    assert (
        api.patch(
            path, json.dumps({"state": "rfc"}), content_type="application/json"
        ).json()["state"]
        == "rfc"
    )
