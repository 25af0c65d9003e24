import pytest
from django.db import transaction

from apps.events.models import Event
from apps.events.services import events_batched, record_patch_created
from tests.factories import PatchFactory

pytestmark = pytest.mark.django_db


def test_events_recorded_in_a_batch_are_inserted_together(django_assert_num_queries):
    patches = PatchFactory.create_batch(3)
    with django_assert_num_queries(1), events_batched():
        for patch in patches:
            record_patch_created(patch=patch)
        with events_batched():  # nested blocks leave the insert to the outer one
            record_patch_created(patch=patches[0])
    assert list(Event.objects.order_by("id").values_list("patch_id", flat=True)) == [
        patches[0].pk,
        patches[1].pk,
        patches[2].pk,
        patches[0].pk,
    ]


def test_events_of_a_failed_block_are_not_stored():
    patch = PatchFactory()

    def failing_change():
        with transaction.atomic(), events_batched():
            record_patch_created(patch=patch)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not Event.objects.exists()


def test_outside_a_batch_each_event_is_stored_at_once():
    patch = PatchFactory()
    event = record_patch_created(patch=patch)
    assert event.pk is not None
    assert Event.objects.get().category == "patch-created"
