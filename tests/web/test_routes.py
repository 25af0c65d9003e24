"""Every page of the route table answers, with its access rule (web-ui.md §3)."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from apps.patches import links
from tests.factories import (
    BundleFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "/user/login/"


@dataclass
class World:
    project: object
    patch: object
    cover: object
    patch_comment: object
    cover_comment: object
    public_bundle: object
    private_bundle: object
    users: dict


@pytest.fixture
def world(maintainer):
    project = ProjectFactory(linkname="linux", maintainers=[maintainer])
    ProjectFactory(linkname="other")
    series = SeriesFactory(project=project)
    cover = CoverFactory(project=project, msgid="<cover/with/slash@x>")
    patch = PatchFactory(project=project, msgid="<patch/1@x>", series=series, number=1)
    owner = UserFactory(username="owner")
    # Patch and cover comments are numbered separately; /comment/<id>/ looks
    # at patch comments first, so give the cover comment an id no patch
    # comment has.
    CoverCommentFactory(cover=cover)
    users = {
        "maintainer": maintainer,
        "member": UserFactory(username="member"),
        "owner": owner,
    }
    return World(
        project=project,
        patch=patch,
        cover=cover,
        patch_comment=PatchCommentFactory(patch=patch),
        cover_comment=CoverCommentFactory(cover=cover),
        public_bundle=BundleFactory(
            owner=owner, project=project, name="pub", public=True, patches=[patch]
        ),
        private_bundle=BundleFactory(
            owner=owner, project=project, name="priv", patches=[patch]
        ),
        users=users,
    )


def get_as(client, world, role, path):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client.get(path)


# (label, path builder, {role: expected}); expected is a status code, or
# "login" (302 to the login page) or a path (302 there).
PAGES = [
    ("project-list", lambda w: "/", {"anonymous": 200}),
    ("project-detail", lambda w: "/project/linux/", {"anonymous": 200}),
    ("patch-list", lambda w: "/project/linux/list/", {"anonymous": 200}),
    (
        "bundle-list",
        lambda w: "/project/linux/bundles/",
        {"anonymous": "login", "member": 200},
    ),
    ("patch-detail", lambda w: links.patch_web_path(w.patch), {"anonymous": 200}),
    ("cover-detail", lambda w: links.cover_web_path(w.cover), {"anonymous": 200}),
    ("pwclientrc", lambda w: "/project/linux/pwclientrc/", {"anonymous": 200}),
    (
        "patch-id-redirect",
        lambda w: f"/patch/{w.patch.pk}/",
        {"anonymous": lambda w: links.patch_web_path(w.patch)},
    ),
    (
        "cover-id-redirect",
        lambda w: f"/cover/{w.cover.pk}/",
        {"anonymous": lambda w: links.cover_web_path(w.cover)},
    ),
    (
        "comment-redirect (patch)",
        lambda w: f"/comment/{w.patch_comment.pk}/",
        {
            "anonymous": lambda w: (
                f"{links.patch_web_path(w.patch)}#{w.patch_comment.pk}"
            )
        },
    ),
    (
        "comment-redirect (cover)",
        lambda w: f"/comment/{w.cover_comment.pk}/",
        {
            "anonymous": lambda w: (
                f"{links.cover_web_path(w.cover)}#{w.cover_comment.pk}"
            )
        },
    ),
    (
        "bundle-detail public",
        lambda w: links.bundle_web_path(w.public_bundle),
        {"anonymous": 200, "member": 200, "owner": 200},
    ),
    (
        "bundle-detail private",
        lambda w: links.bundle_web_path(w.private_bundle),
        {"anonymous": 404, "member": 404, "maintainer": 404, "owner": 200},
    ),
    ("user-profile", lambda w: "/user/", {"anonymous": "login", "member": 200}),
    ("user-todos", lambda w: "/user/todo/", {"anonymous": "login", "member": 200}),
    (
        "user-todo",
        lambda w: "/user/todo/linux/",
        {"anonymous": "login", "member": 200, "maintainer": 200},
    ),
    (
        "user-bundles",
        lambda w: "/user/bundles/",
        {"anonymous": "login", "member": 200, "owner": 200},
    ),
    ("user-link", lambda w: "/user/link/", {"anonymous": "login", "member": 200}),
    (
        "user-unlink (GET is a no-op)",
        lambda w: "/user/unlink/1/",
        {"anonymous": "login", "member": "/user/"},
    ),
    (
        "password_change",
        lambda w: "/user/password-change/",
        {"anonymous": "login", "member": 200},
    ),
    (
        "password_change_done",
        lambda w: "/user/password-change/done/",
        {"anonymous": "login", "member": 200},
    ),
    ("password_reset", lambda w: "/user/password-reset/", {"anonymous": 200}),
    (
        "password_reset_done",
        lambda w: "/user/password-reset/mail-sent/",
        {"anonymous": 200},
    ),
    ("auth_login", lambda w: LOGIN, {"anonymous": 200}),
    ("user-register", lambda w: "/register/", {"anonymous": 200}),
    ("confirm (unknown key)", lambda w: "/confirm/abc123/", {"anonymous": 404}),
    ("mail-settings", lambda w: "/mail/", {"anonymous": 200}),
    ("mail-optout GET", lambda w: "/mail/optout/", {"anonymous": "/mail/"}),
    ("mail-optin GET", lambda w: "/mail/optin/", {"anonymous": "/mail/"}),
    ("api-submitters", lambda w: "/submitter/?q=abc", {"anonymous": 200}),
    ("api-delegates", lambda w: "/delegate/?q=abc", {"anonymous": 200}),
    ("about", lambda w: "/about/", {"anonymous": 200}),
    (
        "bundle-redir",
        lambda w: f"/user/bundle/{w.private_bundle.pk}/",
        {
            "anonymous": "login",
            "member": 404,
            "owner": lambda w: links.bundle_web_path(w.private_bundle),
        },
    ),
    (
        "bundle-mbox-redir",
        lambda w: f"/user/bundle/{w.private_bundle.pk}/mbox/",
        {
            "anonymous": "login",
            "member": 404,
            "owner": lambda w: links.bundle_mbox_path(w.private_bundle),
        },
    ),
]

CASES = [
    pytest.param(path, role, expected, id=f"{label}-{role}")
    for label, path, rules in PAGES
    for role, expected in rules.items()
]


@pytest.mark.parametrize(("path", "role", "expected"), CASES)
def test_page_access(client, world, path, role, expected):
    url = path(world)
    response = get_as(client, world, role, url)
    if callable(expected):
        expected = expected(world)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    elif isinstance(expected, str):
        assert response.status_code == 302
        assert response["Location"] == expected
    else:
        assert response.status_code == expected


# Downloads (apps/web/download_urls.py, built with the REST API).
DOWNLOAD_PAGES = [
    ("patch-mbox", lambda w: links.patch_mbox_path(w.patch), {"anonymous": 200}),
    ("patch-raw", lambda w: links.patch_raw_path(w.patch), {"anonymous": 200}),
    ("cover-mbox", lambda w: links.cover_mbox_path(w.cover), {"anonymous": 200}),
    (
        "series-mbox",
        lambda w: links.series_mbox_path(w.patch.series),
        {"anonymous": 200},
    ),
    (
        "bundle-mbox public",
        lambda w: links.bundle_mbox_path(w.public_bundle),
        {"anonymous": 200, "member": 200},
    ),
    (
        "bundle-mbox private",
        lambda w: links.bundle_mbox_path(w.private_bundle),
        {"anonymous": 404, "member": 404, "maintainer": 404, "owner": 200},
    ),
    (
        "patch-mbox-redirect",
        lambda w: f"/patch/{w.patch.pk}/mbox/",
        {"anonymous": lambda w: links.patch_mbox_path(w.patch)},
    ),
    (
        "patch-raw-redirect",
        lambda w: f"/patch/{w.patch.pk}/raw/",
        {"anonymous": lambda w: links.patch_raw_path(w.patch)},
    ),
    (
        "cover-mbox-redirect",
        lambda w: f"/cover/{w.cover.pk}/mbox/",
        {"anonymous": lambda w: links.cover_mbox_path(w.cover)},
    ),
]


@pytest.mark.parametrize(
    ("path", "role", "expected"),
    [
        pytest.param(path, role, expected, id=f"{label}-{role}")
        for label, path, rules in DOWNLOAD_PAGES
        for role, expected in rules.items()
    ],
)
def test_download_access(client, world, path, role, expected):
    test_page_access(client, world, path, role, expected)


@pytest.mark.parametrize("old", ["/help/", "/help/about/", "/help/pwclient/"])
def test_help_pages_moved_permanently_to_about(client, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/about/"


def test_unknown_project_is_404(client, db):
    assert client.get("/project/nope/").status_code == 404
    assert client.get("/project/nope/list/").status_code == 404
    assert client.get("/project/nope/patch/x@y/").status_code == 404


def test_slashless_urls_redirect(client, world):
    response = client.get("/project/linux/list")
    assert response.status_code == 301
    assert response["Location"] == "/project/linux/list/"


def test_logout_is_post_only(client, world):
    client.force_login(world.users["member"])
    assert client.get("/user/logout/").status_code == 405
    response = client.post("/user/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/user/").status_code == 302


def test_generate_token_is_post_only(client, world):
    client.force_login(world.users["member"])
    assert client.get("/user/generate-token/").status_code == 405
    response = client.post("/user/generate-token/")
    assert response["Location"] == "/user/"


def test_generate_token_needs_login(client, world):
    response = client.post("/user/generate-token/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_patch_post_needs_edit_right(client, world, states):
    """Anonymous and unrelated users get 403 on the patch form; maintainers don't."""
    path = links.patch_web_path(world.patch)
    data = {"action": "update", "state": states["accepted"].pk}
    assert client.post(path, data).status_code == 403
    client.force_login(world.users["member"])
    assert client.post(path, data).status_code == 403
    client.force_login(world.users["maintainer"])
    assert client.post(path, data).status_code == 200
    world.patch.refresh_from_db()
    assert world.patch.state == states["accepted"]


def test_patch_list_post_needs_login(client, world, states):
    data = {
        "form": "patch-list-form",
        "action": "Update",
        "state": states["accepted"].pk,
        f"patch_id:{world.patch.pk}": "checked",
    }
    response = client.post("/project/linux/list/", data)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    world.patch.refresh_from_db()
    assert world.patch.state.slug == "new"


def test_bundle_owner_post_only_for_owner(client, world):
    path = links.bundle_web_path(world.public_bundle)
    data = {"form": "bundle", "action": "Update", "name": "taken-over", "public": ""}
    client.force_login(world.users["member"])
    assert client.post(path, data).status_code == 200
    world.public_bundle.refresh_from_db()
    assert world.public_bundle.name == "pub"
    assert world.public_bundle.public


def test_routes_are_named_as_upstream(world):
    assert reverse("project-list") == "/"
    assert reverse("patch-list", args=["linux"]) == "/project/linux/list/"
    assert reverse("user-todo", args=["linux"]) == "/user/todo/linux/"
    assert reverse("confirm", args=["ab12"]) == "/confirm/ab12/"
    assert reverse("generate_token") == "/user/generate-token/"


@pytest.mark.parametrize(
    ("path", "role"),
    [
        (lambda w: "/project/linux/list/", "maintainer"),
        (lambda w: links.patch_web_path(w.patch), "maintainer"),
        (lambda w: links.bundle_web_path(w.private_bundle), "owner"),
        (lambda w: "/user/bundles/", "owner"),
        (lambda w: "/project/linux/bundles/", "owner"),
        (lambda w: "/user/", "member"),
        (lambda w: "/user/link/", "member"),
        (lambda w: "/user/unlink/1/", "member"),
        (lambda w: "/user/generate-token/", "member"),
        (lambda w: "/user/todo/linux/", "maintainer"),
        (lambda w: "/user/password-change/", "member"),
        (lambda w: "/user/logout/", "member"),
        (lambda w: LOGIN, "anonymous"),
        (lambda w: "/register/", "anonymous"),
        (lambda w: "/user/password-reset/", "anonymous"),
        (lambda w: "/mail/", "anonymous"),
        (lambda w: "/mail/optout/", "anonymous"),
        (lambda w: "/mail/optin/", "anonymous"),
    ],
)
def test_every_form_post_needs_the_csrf_token(world, path, role):
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.post(path(world), {"form": "patch-list-form"})
    assert response.status_code == 403
