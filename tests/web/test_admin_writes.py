"""The admin writes through the services, or not at all.

Events (and the notifications and API feeds built on them) are recorded by
the services; an admin form that saved rows itself would change what
clients see without a trace.
"""

import pytest

from apps.checks.models import Check
from apps.events.models import Event
from apps.patches.models import PatchRelation
from tests.factories import (
    CheckFactory,
    CoverCommentFactory,
    PatchFactory,
    UserFactory,
)
from tests.patches.test_admin import change_form_data, url

pytestmark = pytest.mark.django_db


def test_a_check_added_in_the_admin_is_recorded_as_reported(admin_client):
    patch = PatchFactory()
    bot = UserFactory(username="ci-bot")
    response = admin_client.post(
        "/admin/checks/check/add/",
        {
            "patch": patch.pk,
            "user": bot.pk,
            "state": Check.State.FAIL,
            "context": "build",
            "description": "gcc failed",
            "date_0": "2026-01-01",
            "date_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    check = Check.objects.get(patch=patch)
    assert (check.context, check.state, check.user) == ("build", Check.State.FAIL, bot)
    event = Event.objects.get(category=Event.Category.CHECK_CREATED)
    assert (event.created_check, event.patch, event.actor) == (check, patch, bot)
    assert event.project_id == patch.project_id


def test_changing_a_check_in_the_admin_records_nothing(admin_client):
    check = CheckFactory(context="build")
    page = admin_client.get(f"/admin/checks/check/{check.pk}/change/")
    assert page.status_code == 200
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "model",
    [
        "patches/patch",
        "patches/cover",
        "patches/patchcomment",
        "patches/covercomment",
        "patches/series",
        "patches/patchrelation",
        "events/event",
    ],
)
def test_what_mail_or_services_create_cannot_be_added_by_hand(admin_client, model):
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403


def test_the_history_and_relations_are_shown_but_not_edited(admin_client):
    relation = PatchRelation.objects.create()
    PatchFactory(related=relation)
    comment = CoverCommentFactory()
    for path in (
        f"/admin/patches/patchrelation/{relation.pk}/change/",
        f"/admin/patches/covercomment/{comment.pk}/change/",
    ):
        assert admin_client.get(path).status_code == 200, path
    response = admin_client.post(
        f"/admin/patches/patchrelation/{relation.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert PatchRelation.objects.filter(pk=relation.pk).exists()


def test_a_patch_relation_is_not_changed_from_the_patch_form(admin_client):
    patch = PatchFactory()
    other = PatchRelation.objects.create()
    response = admin_client.post(url(patch), change_form_data(patch, related=other.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    patch.refresh_from_db()
    assert patch.related is None
    assert not Event.objects.filter(
        category=Event.Category.PATCH_RELATION_CHANGED
    ).exists()
