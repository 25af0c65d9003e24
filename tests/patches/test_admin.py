"""Patch edits in the admin go through the same service as the API and web UI."""

import pytest
from django.forms.models import model_to_dict

from apps.events.models import Event
from apps.patches.models import State
from tests.factories import PatchFactory, ProjectFactory, UserFactory
from tests.hostile import SCRIPT_URLS

pytestmark = pytest.mark.django_db


def change_form_data(patch, **changes) -> dict:
    data = {
        name: ("" if value is None else value)
        for name, value in model_to_dict(patch).items()
    }
    data.pop("date")
    data["date_0"] = patch.date.strftime("%Y-%m-%d")
    data["date_1"] = patch.date.strftime("%H:%M:%S")
    data["archived"] = "on" if patch.archived else ""
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def url(patch) -> str:
    return f"/admin/patches/patch/{patch.pk}/change/"


def test_a_state_change_records_the_event_with_the_admin_as_actor(admin_client):
    project = ProjectFactory()
    patch = PatchFactory(project=project, name="admin edit")
    accepted = State.objects.get(slug="accepted")
    response = admin_client.post(
        url(patch), change_form_data(patch, state=accepted.pk, name="renamed")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    patch.refresh_from_db()
    assert (patch.state, patch.name) == (accepted, "renamed")
    event = Event.objects.get(category=Event.Category.PATCH_STATE_CHANGED)
    assert event.patch == patch
    assert event.current_state == accepted
    assert event.actor.username == "admin"


def test_a_delegate_must_maintain_the_project(admin_client):
    patch = PatchFactory()
    outsider = UserFactory(username="outsider")
    response = admin_client.post(
        url(patch), change_form_data(patch, delegate=outsider.pk)
    )
    assert response.status_code == 200
    assert "is not a maintainer of" in response.content.decode()
    patch.refresh_from_db()
    assert patch.delegate is None
    assert not Event.objects.filter(category=Event.Category.PATCH_DELEGATED).exists()


@pytest.mark.parametrize("pull_url", SCRIPT_URLS)
def test_a_pull_url_must_name_a_repository(admin_client, pull_url):
    """The patch page links the pull URL: the admin checks it as the API does."""
    patch = PatchFactory()
    response = admin_client.post(url(patch), change_form_data(patch, pull_url=pull_url))
    assert response.status_code == 200
    assert "a repository as git request-pull names it" in response.content.decode()
    patch.refresh_from_db()
    assert patch.pull_url is None
