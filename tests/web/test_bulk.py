"""The patch list's action form: update, bundle create/add/remove (§6.5)."""

import datetime as dt

import pytest
from django.test import Client

from apps.bundles.models import Bundle, BundlePatch
from apps.events.models import Event
from apps.patches import links
from tests.factories import (
    BASE_DATE,
    BundleFactory,
    PatchFactory,
    PersonFactory,
    UserFactory,
)
from tests.web.html import elements, row_ids, text

pytestmark = pytest.mark.django_db


def url(project, query=""):
    return f"/project/{project.linkname}/list/" + (f"?{query}" if query else "")


def form(*patches, **fields):
    data = {"form": "patch-list-form", "state": "*", "delegate": "*", "archived": "*"}
    data.update({f"patch_id:{p.pk}": "checked" for p in patches})
    data.update(fields)
    return data


def test_maintainer_changes_state_and_delegate_in_one_action(
    maintainer_client, project, make_patch, maintainer, states
):
    a, b, untouched = make_patch(), make_patch(), make_patch()
    response = maintainer_client.post(
        url(project, "state=*"),
        form(
            a,
            b,
            action="Update",
            state=states["under-review"].pk,
            delegate=maintainer.pk,
        ),
    )
    assert response.status_code == 200
    assert "2 patches updated" in text(response)
    for patch in (a, b):
        patch.refresh_from_db()
        assert patch.state == states["under-review"]
        assert patch.delegate == maintainer
    untouched.refresh_from_db()
    assert untouched.state == states["new"]
    assert untouched.delegate is None
    events = Event.objects.filter(patch__in=[a, b])
    assert {(e.category, e.actor_id) for e in events} == {
        ("patch-state-changed", maintainer.pk),
        ("patch-delegated", maintainer.pk),
    }
    assert events.count() == 4
    # The page is the list again, filters kept.
    assert set(row_ids(response)) == {a.pk, b.pk, untouched.pk}


def test_update_skips_patches_the_user_may_not_edit(
    client, project, make_patch, states
):
    user = UserFactory()
    own = make_patch(submitter=PersonFactory(user=user), name="mine")
    other = make_patch(name="someone else's")
    client.force_login(user)
    response = client.post(
        url(project), form(own, other, action="Update", state=states["rfc"].pk)
    )
    page = text(response)
    assert "You don't have permissions to edit patch 'someone else's'" in page
    assert "1 patch updated" in page
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.state == states["rfc"]
    assert other.state == states["new"]


def test_update_of_nothing_editable_says_no_patches_updated(
    member_client, project, make_patch, states
):
    patch = make_patch()
    response = member_client.post(
        url(project), form(patch, action="Update", state=states["rfc"].pk)
    )
    assert "No patches updated" in text(response)


def test_update_without_selection_warns(maintainer_client, project, states):
    response = maintainer_client.post(
        url(project), form(action="Update", state=states["rfc"].pk)
    )
    assert "No patches selected; nothing updated" in text(response)


def test_invalid_update_form_is_reported(maintainer_client, project, make_patch):
    patch = make_patch()
    response = maintainer_client.post(
        url(project), form(patch, action="update", state="")
    )
    page = text(response)
    assert "The submitted form data was invalid" in page
    patch.refresh_from_db()
    assert patch.state.slug == "new"


def test_delegate_must_be_a_project_maintainer(maintainer_client, project, make_patch):
    patch = make_patch()
    outsider = UserFactory()
    response = maintainer_client.post(
        url(project), form(patch, action="Update", delegate=outsider.pk)
    )
    assert "The submitted form data was invalid" in text(response)
    patch.refresh_from_db()
    assert patch.delegate is None


def test_clearing_the_delegate(maintainer_client, project, make_patch, maintainer):
    patch = make_patch(delegate=maintainer)
    maintainer_client.post(url(project), form(patch, action="Update", delegate=""))
    patch.refresh_from_db()
    assert patch.delegate is None


def test_archiving_removes_patches_from_the_default_list(
    maintainer_client, project, make_patch
):
    patch = make_patch()
    kept = make_patch()
    response = maintainer_client.post(
        url(project), form(patch, action="Update", archived="True")
    )
    patch.refresh_from_db()
    assert patch.archived
    assert row_ids(response) == [kept.pk]
    maintainer_client.post(
        url(project, "archive=both"), form(patch, action="Update", archived="False")
    )
    patch.refresh_from_db()
    assert not patch.archived


def test_create_bundle_with_selected_patches_in_date_order(
    member_client, project, make_patch, member
):
    later = make_patch(date=BASE_DATE + dt.timedelta(days=2), name="later")
    earlier = make_patch(date=BASE_DATE + dt.timedelta(days=1), name="earlier")
    response = member_client.post(
        url(project), form(later, earlier, action="Create", name="review")
    )
    page = text(response)
    assert "Bundle review created" in page
    assert "Patch 'earlier' added to bundle review" in page
    bundle = Bundle.objects.get(owner=member, name="review")
    assert not bundle.public
    assert bundle.project == project
    assert list(
        BundlePatch.objects.filter(bundle=bundle).values_list("patch_id", flat=True)
    ) == [earlier.pk, later.pk]


def test_a_bundle_name_turns_any_action_into_create(
    member_client, project, make_patch, member
):
    patch = make_patch()
    member_client.post(url(project), form(patch, action="Update", name="via-enter"))
    assert Bundle.objects.filter(owner=member, name="via-enter").exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("a/b", "Bundle names can't contain slashes"),
        ("x" * 51, "Ensure this value has at most 50 characters (it has 51)."),
    ],
)
def test_bad_bundle_names(member_client, project, make_patch, name, error):
    patch = make_patch()
    response = member_client.post(url(project), form(patch, action="Create", name=name))
    assert error in text(response)
    assert not Bundle.objects.exists()


def test_create_needs_a_name(member_client, project, make_patch):
    patch = make_patch()
    response = member_client.post(url(project), form(patch, action="Create"))
    assert "No bundle name was specified" in text(response)


def test_duplicate_bundle_name(member_client, project, make_patch, member):
    BundleFactory(owner=member, project=project, name="dup")
    patch = make_patch()
    response = member_client.post(
        url(project), form(patch, action="Create", name="dup")
    )
    assert "A bundle called dup already exists" in text(response)
    assert Bundle.objects.filter(owner=member).count() == 1


def test_create_without_selection_makes_no_empty_bundle(member_client, project):
    response = member_client.post(url(project), form(action="Create", name="empty"))
    assert "No patches selected; bundle not created" in text(response)
    assert not Bundle.objects.exists()


def test_add_to_bundle(member_client, project, make_patch, member):
    present = make_patch(name="present")
    new = make_patch(name="new one")
    bundle = BundleFactory(
        owner=member, project=project, name="mine", patches=[present]
    )
    response = member_client.post(
        url(project), form(present, new, action="Add", bundle_id=bundle.pk)
    )
    page = text(response)
    assert "Patch 'new one' added to bundle mine" in page
    assert "Patch 'present' already in bundle mine" in page
    orders = dict(
        BundlePatch.objects.filter(bundle=bundle).values_list("patch_id", "order")
    )
    assert orders == {present.pk: 1, new.pk: 2}


def test_add_needs_a_bundle(member_client, project, make_patch):
    patch = make_patch()
    response = member_client.post(url(project), form(patch, action="Add"))
    assert "No bundle was selected" in text(response)
    response = member_client.post(
        url(project), form(patch, action="Add", bundle_id=999)
    )
    assert response.status_code == 404


def test_add_to_someone_elses_bundle_is_refused(member_client, project, make_patch):
    patch = make_patch()
    bundle = BundleFactory(project=project)
    response = member_client.post(
        url(project), form(patch, action="Add", bundle_id=bundle.pk)
    )
    assert "You don't have permissions to add patches to bundle" in text(response)
    assert not BundlePatch.objects.filter(bundle=bundle).exists()


def test_remove_from_bundle_on_the_bundle_page(
    member_client, project, make_patch, member
):
    keep = make_patch(name="keep")
    drop = make_patch(name="drop")
    bundle = BundleFactory(
        owner=member, project=project, name="b", patches=[keep, drop]
    )
    response = member_client.post(
        links.bundle_web_path(bundle),
        form(drop, action="Remove", removed_bundle_id=bundle.pk),
    )
    assert "Patch 'drop' removed from bundle b" in text(response)
    assert row_ids(response) == [keep.pk]


def test_unknown_action_does_nothing(maintainer_client, project, make_patch, states):
    patch = make_patch()
    response = maintainer_client.post(
        url(project), form(patch, action="Explode", state=states["rfc"].pk)
    )
    assert response.status_code == 200
    patch.refresh_from_db()
    assert patch.state.slug == "new"


def test_patches_of_other_projects_are_checked_too(maintainer_client, project, states):
    foreign = PatchFactory(name="foreign")
    response = maintainer_client.post(
        url(project), form(foreign, action="Update", state=states["rfc"].pk)
    )
    assert "You don't have permissions to edit patch 'foreign'" in text(response)


def test_the_form_needs_a_csrf_token(project, make_patch, maintainer, states):
    patch = make_patch()
    client = Client(enforce_csrf_checks=True)
    client.force_login(maintainer)
    response = client.post(
        url(project), form(patch, action="Update", state=states["rfc"].pk)
    )
    assert response.status_code == 403
    patch.refresh_from_db()
    assert patch.state.slug == "new"


def test_update_controls_only_for_users_who_may_edit_a_listed_patch(
    client, project, make_patch, maintainer
):
    submitter_user = UserFactory()
    make_patch(submitter=PersonFactory(user=submitter_user))
    make_patch()
    client.force_login(UserFactory())
    response = client.get(url(project))
    assert not elements(response, "select", id="bulk-state")
    assert elements(response, "button", value="Create")
    for user in (submitter_user, maintainer):
        client.force_login(user)
        assert elements(client.get(url(project)), "select", id="bulk-state")
