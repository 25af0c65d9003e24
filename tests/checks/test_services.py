import pytest

from apps.checks.models import Check
from apps.checks.services import check_create
from apps.events.models import Event
from tests.factories import PatchFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_check_create_records_event_with_reporter_as_actor():
    patch, bot = PatchFactory(), UserFactory(username="ci")
    check = check_create(patch=patch, user=bot, state=Check.State.FAIL, context="build")
    event = Event.objects.get(category="check-created")
    assert (event.patch_id, event.created_check_id, event.actor_id) == (
        patch.pk,
        check.pk,
        bot.pk,
    )
    assert event.project_id == patch.project_id
