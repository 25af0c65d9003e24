"""Bundle lists and the bundle page: visibility, settings, reorder (§10)."""

import datetime as dt

import pytest

from apps.bundles.models import Bundle, BundlePatch
from apps.patches import links
from tests.factories import BASE_DATE, BundleFactory, ProjectFactory, UserFactory
from tests.web.html import elements, hrefs, row_ids, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def bundle_order(bundle) -> list[int]:
    return list(
        BundlePatch.objects.filter(bundle=bundle)
        .order_by("order")
        .values_list("patch_id", flat=True)
    )


def test_user_bundle_list(owner_client, owner, project, make_patch):
    other_project = ProjectFactory()
    mine = BundleFactory(
        owner=owner,
        project=project,
        name="alpha",
        public=True,
        patches=[make_patch(), make_patch()],
    )
    BundleFactory(owner=owner, project=other_project, name="beta")
    BundleFactory(project=project, name="not-mine")
    response = owner_client.get("/user/bundles/")
    page = text(response)
    assert "alpha" in page
    assert "beta" in page
    assert "not-mine" not in page
    assert links.bundle_web_path(mine) in hrefs(response)
    assert links.bundle_mbox_path(mine) in hrefs(response)
    # The per-project list only shows that project's bundles.
    page = text(owner_client.get(f"/project/{project.linkname}/bundles/"))
    assert "alpha" in page
    assert "beta" not in page


def test_empty_bundle_list(member_client):
    assert "You have no bundles." in text(member_client.get("/user/bundles/"))


def test_delete_from_the_list_checks_ownership(owner_client, owner, project):
    mine = BundleFactory(owner=owner, project=project, name="mine")
    theirs = BundleFactory(project=project, name="theirs")
    data = {"form_name": "deletebundleform", "bundle_id": theirs.pk}
    response = owner_client.post("/user/bundles/", data)
    assert "You don't have permission to delete that bundle" in text(response)
    assert Bundle.objects.filter(pk=theirs.pk).exists()
    data["bundle_id"] = mine.pk
    response = owner_client.post("/user/bundles/", data)
    assert "Bundle mine deleted" in text(response)
    assert not Bundle.objects.filter(pk=mine.pk).exists()


def test_delete_form_asks_for_confirmation(owner_client, owner, project):
    BundleFactory(owner=owner, project=project, name="mine")
    response = owner_client.get("/user/bundles/")
    (delete_form,) = elements(response, "form", class_="inline-form")
    assert delete_form["data-confirm"] == "Delete the bundle 'mine'?"
    assert "js/patchserver.js" in response.content.decode()


def test_bundle_page_shows_all_members_in_bundle_order(
    client, owner, project, make_patch, states
):
    newer = make_patch(date=BASE_DATE + dt.timedelta(days=2), state=states["accepted"])
    older = make_patch(date=BASE_DATE + dt.timedelta(days=1), archived=True)
    bundle = BundleFactory(
        owner=owner, project=project, public=True, patches=[newer, older]
    )
    response = client.get(links.bundle_web_path(bundle))
    page = text(response)
    assert "Bundle" in page
    assert bundle.name in page
    assert links.bundle_mbox_path(bundle) in hrefs(response)
    # Accepted and archived members show, in the owner's order.
    assert row_ids(response) == [newer.pk, older.pk]
    # Others may still sort.
    assert row_ids(client.get(links.bundle_web_path(bundle) + "?order=date")) == [
        older.pk,
        newer.pk,
    ]


def test_owner_sees_settings_and_fixed_order(owner_client, owner, project, make_patch):
    bundle = BundleFactory(owner=owner, project=project, patches=[make_patch()])
    response = owner_client.get(links.bundle_web_path(bundle))
    content = response.content.decode()
    assert 'name="public"' in content
    assert 'id="reorder-form"' in content
    assert "order=" not in "".join(hrefs(response))


def test_non_owner_sees_no_settings(member_client, owner, project, make_patch):
    bundle = BundleFactory(
        owner=owner, project=project, public=True, patches=[make_patch()]
    )
    content = member_client.get(links.bundle_web_path(bundle)).content.decode()
    assert 'name="public"' not in content
    assert 'id="reorder-form"' not in content
    assert 'value="Remove"' not in content


def test_rename_redirects_to_the_new_url(owner_client, owner, project):
    bundle = BundleFactory(owner=owner, project=project, name="old")
    response = owner_client.post(
        links.bundle_web_path(bundle),
        {"form": "bundle", "action": "Update", "name": "new name", "public": "on"},
    )
    bundle.refresh_from_db()
    assert bundle.name == "new name"
    assert bundle.public
    assert response.status_code == 302
    assert response["Location"] == "/bundle/owner/new%20name/"


def test_invalid_settings_change_nothing(owner_client, owner, project):
    bundle = BundleFactory(owner=owner, project=project, name="keep")
    BundleFactory(owner=owner, project=project, name="taken")
    for name, error in (
        ("a/b", "Bundle names can't contain slashes"),
        ("taken", "A bundle called taken exists"),
        ("", "This field is required."),
    ):
        response = owner_client.post(
            links.bundle_web_path(bundle),
            {"form": "bundle", "action": "Update", "name": name},
        )
        assert response.status_code == 200
        assert error in text(response)
        bundle.refresh_from_db()
        assert bundle.name == "keep"


def test_delete_from_the_bundle_page(owner_client, owner, project):
    bundle = BundleFactory(owner=owner, project=project)
    response = owner_client.post(
        links.bundle_web_path(bundle), {"form": "bundle", "action": "Delete"}
    )
    assert response["Location"] == "/user/"
    assert not Bundle.objects.exists()


def test_reorder_with_neworder(owner_client, owner, project, make_patch):
    a, b, c = make_patch(), make_patch(), make_patch()
    bundle = BundleFactory(owner=owner, project=project, patches=[a, b, c])
    response = owner_client.post(
        links.bundle_web_path(bundle),
        {"form": "reorder-form", "order_start": a.pk, "neworder": [c.pk, a.pk, b.pk]},
    )
    assert response.status_code == 200
    assert bundle_order(bundle) == [c.pk, a.pk, b.pk]
    assert row_ids(response) == [c.pk, a.pk, b.pk]


def test_reorder_of_a_page_keeps_hidden_members_in_place(client, project, make_patch):
    owner = UserFactory(items_per_page=2)
    client.force_login(owner)
    a, b, c, d = (make_patch() for _ in range(4))
    bundle = BundleFactory(owner=owner, project=project, patches=[a, b, c, d])
    client.post(
        links.bundle_web_path(bundle) + "?page=2",
        {"form": "reorder-form", "order_start": c.pk, "neworder": [d.pk, c.pk]},
    )
    assert bundle_order(bundle) == [a.pk, b.pk, d.pk, c.pk]
    orders = list(
        BundlePatch.objects.filter(bundle=bundle)
        .order_by("order")
        .values_list("order", flat=True)
    )
    assert orders == [1, 2, 3, 4]


def test_move_buttons_work_without_javascript(owner_client, owner, project, make_patch):
    a, b, c = make_patch(), make_patch(), make_patch()
    bundle = BundleFactory(owner=owner, project=project, patches=[a, b, c])
    owner_client.post(
        links.bundle_web_path(bundle), {"form": "reorder-form", "move": f"up:{c.pk}"}
    )
    assert bundle_order(bundle) == [a.pk, c.pk, b.pk]
    owner_client.post(
        links.bundle_web_path(bundle), {"form": "reorder-form", "move": f"down:{a.pk}"}
    )
    assert bundle_order(bundle) == [c.pk, a.pk, b.pk]
    owner_client.post(
        links.bundle_web_path(bundle), {"form": "reorder-form", "move": f"up:{c.pk}"}
    )
    assert bundle_order(bundle) == [c.pk, a.pk, b.pk]


def test_reorder_with_unknown_patch_is_404(owner_client, owner, project, make_patch):
    a = make_patch()
    bundle = BundleFactory(owner=owner, project=project, patches=[a])
    response = owner_client.post(
        links.bundle_web_path(bundle),
        {"form": "reorder-form", "order_start": a.pk, "neworder": [a.pk, 99999]},
    )
    assert response.status_code == 404
    assert bundle_order(bundle) == [a.pk]


def test_reorder_by_non_owner_changes_nothing(
    member_client, owner, project, make_patch
):
    a, b = make_patch(), make_patch()
    bundle = BundleFactory(owner=owner, project=project, public=True, patches=[a, b])
    member_client.post(
        links.bundle_web_path(bundle),
        {"form": "reorder-form", "order_start": a.pk, "neworder": [b.pk, a.pk]},
    )
    assert bundle_order(bundle) == [a.pk, b.pk]


def test_bundle_names_with_spaces_and_unicode(owner_client, owner, project):
    bundle = BundleFactory(owner=owner, project=project, name="fixes für 6.1")
    assert owner_client.get(links.bundle_web_path(bundle)).status_code == 200


def test_legacy_redirects_can_be_switched_off(owner_client, owner, project, settings):
    bundle = BundleFactory(owner=owner, project=project)
    settings.COMPAT_REDIR = False
    assert owner_client.get(f"/user/bundle/{bundle.pk}/").status_code == 404
