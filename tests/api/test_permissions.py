"""Who may write what: every write endpoint against every role (§3.3).

Roles: anonymous, another user, the patch submitter's account, the patch's
delegate, a maintainer of the project and a superuser who maintains
nothing (superusers get nothing extra in the API).
"""

import pytest

from apps.bundles.models import Bundle
from apps.checks.models import Check
from tests.api.helpers import CREDENTIALS, NO_PERMISSION, ROLES, url
from tests.factories import (
    BundleFactory,
    CoverCommentFactory,
    PatchCommentFactory,
    PatchFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def denied(role: str) -> tuple[int, dict]:
    return 403, CREDENTIALS if role == "anonymous" else NO_PERMISSION


def outcome(role, allowed, success=200):
    return (success, None) if role in allowed else denied(role)


def assert_outcome(response, expected):
    status, body = expected
    assert response.status_code == status, response.content
    if body is not None:
        assert response.json() == body


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("role", ROLES)
def test_project_update(api, world, role, method):
    api.as_user(world.role(role))
    response = getattr(api, f"{method}_json")(
        url(f"projects/{world.project.pk}/"), {"web_url": "https://example.org/new"}
    )
    assert_outcome(response, outcome(role, {"maintainer", "delegate"}))
    world.project.refresh_from_db()
    changed = world.project.web_url == "https://example.org/new"
    assert changed == (response.status_code == 200)


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("role", ROLES)
def test_user_update_only_self(api, world, role, method):
    """Everyone tries to rename the submitter's account."""
    api.as_user(world.role(role))
    body = {"first_name": "Renamed", "settings": {}}
    response = getattr(api, f"{method}_json")(url(f"users/{world.submitter.pk}/"), body)
    assert_outcome(response, outcome(role, {"submitter"}))
    world.submitter.refresh_from_db()
    assert (world.submitter.first_name == "Renamed") == (role == "submitter")


@pytest.mark.parametrize("role", ROLES)
def test_user_and_people_reads_need_an_account(api, world, role):
    api.as_user(world.role(role))
    for path in (
        "users/",
        f"users/{world.other.pk}/",
        "people/",
        f"people/{world.person.pk}/",
    ):
        response = api.get(url(path))
        if role == "anonymous":
            assert_outcome(response, denied(role))
        else:
            assert response.status_code == 200


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("role", ROLES)
def test_patch_update(api, world, role, method):
    api.as_user(world.role(role))
    body = {"state": "accepted", "delegate": world.delegate.pk}
    if method == "put":
        # A PUT without ``related`` clears the relation, which needs
        # maintainer rights; give the current (empty) relation explicitly.
        body["related"] = []
    response = getattr(api, f"{method}_json")(url(f"patches/{world.patch.pk}/"), body)
    if method == "put" and role in ("submitter",):
        # Submitters may change fields but not relations, even to "none".
        assert_outcome(
            response,
            (
                403,
                {
                    "detail": "At least one patch is part of a project you are "
                    "not maintaining."
                },
            ),
        )
        return
    assert_outcome(response, outcome(role, {"submitter", "delegate", "maintainer"}))
    world.patch.refresh_from_db()
    assert (world.patch.state.slug == "accepted") == (response.status_code == 200)


@pytest.mark.parametrize("role", ROLES)
def test_patch_relation_change_needs_maintainer(api, world, role):
    other_patch = PatchFactory(project=world.project)
    api.as_user(world.role(role))
    response = api.patch_json(
        url(f"patches/{world.patch.pk}/"), {"related": [other_patch.pk]}
    )
    if role in ("maintainer", "delegate"):
        # The delegate maintains the project too (delegates must).
        assert response.status_code == 200
        assert [p["id"] for p in response.json()["related"]] == [other_patch.pk]
    elif role in ("anonymous", "other", "superuser"):
        assert_outcome(response, denied(role))
    else:
        assert_outcome(
            response,
            (
                403,
                {
                    "detail": "At least one patch is part of a project you are "
                    "not maintaining."
                },
            ),
        )
    world.patch.refresh_from_db()
    assert (world.patch.related_id is not None) == (response.status_code == 200)


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("role", [*ROLES, "author"])
def test_patch_comment_update(api, world, role, method):
    author = UserFactory(username="author")
    comment = PatchCommentFactory(
        patch=world.patch, submitter=PersonFactory(user=author)
    )
    api.as_user(author if role == "author" else world.role(role))
    response = getattr(api, f"{method}_json")(
        url(f"patches/{world.patch.pk}/comments/{comment.pk}/"), {"addressed": True}
    )
    allowed = {"author", "submitter", "delegate", "maintainer"}
    assert_outcome(response, outcome(role, allowed))
    comment.refresh_from_db()
    assert (comment.addressed is True) == (role in allowed)


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("role", [*ROLES, "author"])
def test_cover_comment_update(api, world, role, method):
    author = UserFactory(username="author")
    comment = CoverCommentFactory(
        cover=world.cover, submitter=PersonFactory(user=author)
    )
    api.as_user(author if role == "author" else world.role(role))
    response = getattr(api, f"{method}_json")(
        url(f"covers/{world.cover.pk}/comments/{comment.pk}/"), {"addressed": False}
    )
    # Covers have no delegate; the project's maintainers include ours.
    allowed = {"author", "submitter", "delegate", "maintainer"}
    assert_outcome(response, outcome(role, allowed))
    comment.refresh_from_db()
    assert (comment.addressed is False) == (role in allowed)


def test_cover_comment_not_editable_by_a_mere_delegate(api, world):
    """A patch delegate who does not maintain the project has no cover rights."""
    world.project.maintainers.remove(world.delegate)
    comment = CoverCommentFactory(cover=world.cover)
    api.as_user(world.delegate)
    response = api.patch_json(
        url(f"covers/{world.cover.pk}/comments/{comment.pk}/"), {"addressed": True}
    )
    assert_outcome(response, (403, NO_PERMISSION))


@pytest.mark.parametrize("role", ROLES)
def test_check_create(api, world, role):
    api.as_user(world.role(role))
    response = api.post_json(
        url(f"patches/{world.patch.pk}/checks/"), {"state": "success"}
    )
    allowed = {"submitter", "delegate", "maintainer"}
    if role == "anonymous":
        # The checks list lets everyone through to the per-patch rule, so an
        # anonymous caller gets the "permission" message (upstream).
        assert_outcome(response, (403, NO_PERMISSION))
    else:
        assert_outcome(response, outcome(role, allowed, success=201))
    assert Check.objects.filter(patch=world.patch).exists() == (role in allowed)


def test_check_create_refused_before_looking_at_the_body(api, world):
    api.as_user(world.other)
    response = api.post_json(url(f"patches/{world.patch.pk}/checks/"), {"state": "x"})
    assert_outcome(response, (403, NO_PERMISSION))


@pytest.mark.parametrize("role", ROLES)
def test_bundle_create(api, world, role):
    api.as_user(world.role(role))
    response = api.post(url("bundles/"), {"name": "mine", "patches": [world.patch.pk]})
    assert_outcome(response, outcome(role, set(ROLES) - {"anonymous"}, success=201))
    assert Bundle.objects.filter(name="mine").count() == (role != "anonymous")


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize("method", ["patch", "put", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_bundle_writes_owner_only(api, world, role, method, public):
    """The submitter owns the bundle; private bundles are 404 to others."""
    bundle = BundleFactory(
        owner=world.submitter,
        project=world.project,
        patches=[world.patch],
        public=public,
        name="theirs",
    )
    api.as_user(world.role(role))
    path = url(f"bundles/{bundle.pk}/")
    if method == "delete":
        response = api.delete(path)
        success = 204
    else:
        body = {"name": "renamed", "patches": [world.patch.pk]}
        response = getattr(api, f"{method}_json")(path, body)
        success = 200
    if role == "submitter":
        assert response.status_code == success
    elif not public:
        assert_outcome(
            response, (404, {"detail": "No Bundle matches the given query."})
        )
    else:
        assert_outcome(response, denied(role))
    still_there = Bundle.objects.filter(pk=bundle.pk, name="theirs").exists()
    assert still_there == (role != "submitter")


@pytest.mark.parametrize("role", ROLES)
def test_private_bundle_invisible_to_others(api, world, role):
    bundle = BundleFactory(
        owner=world.submitter, project=world.project, patches=[world.patch]
    )
    api.as_user(world.role(role))
    listed = [item["id"] for item in api.get(url("bundles/")).json()]
    detail = api.get(url(f"bundles/{bundle.pk}/"))
    if role == "submitter":
        assert listed == [bundle.pk]
        assert detail.status_code == 200
    else:
        assert listed == []
        assert_outcome(detail, (404, {"detail": "No Bundle matches the given query."}))


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("projects/{project}/", "delete"),
        ("patches/", "post"),
        ("patches/{patch}/", "delete"),
        ("patches/{patch}/checks/{check}/", "patch"),
        ("covers/{cover}/", "patch"),
        ("series/{series}/", "put"),
        ("events/", "post"),
        ("users/", "post"),
    ],
)
def test_methods_a_route_lacks_are_405_even_for_maintainers(api, world, path, method):
    check = Check.objects.create(patch=world.patch, user=world.maintainer, state=1)
    path = path.format(
        project=world.project.pk,
        patch=world.patch.pk,
        check=check.pk,
        cover=world.cover.pk,
        series=world.series.pk,
    )
    api.as_user(world.maintainer)
    response = getattr(api, method)(url(path))
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
