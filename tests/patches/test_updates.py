import pytest

from apps.events.models import Event
from apps.patches.exceptions import DelegateNotMaintainer
from apps.patches.models import State
from apps.patches.services.updates import patch_update
from tests.factories import PatchFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(patch):
    return list(
        Event.objects.filter(patch=patch)
        .order_by("id")
        .values_list(
            "category",
            "actor__username",
            "previous_state__slug",
            "current_state__slug",
            "previous_delegate__username",
            "current_delegate__username",
        )
    )


def test_state_change_records_event_with_actor():
    actor = UserFactory(username="alice")
    patch = PatchFactory()
    patch_update(patch=patch, actor=actor, state=State.objects.get(slug="accepted"))
    patch.refresh_from_db()
    assert patch.state.slug == "accepted"
    assert events(patch) == [
        ("patch-state-changed", "alice", "new", "accepted", None, None)
    ]


def test_delegate_change_records_event_and_must_be_maintainer():
    maintainer, outsider = UserFactory(username="m"), UserFactory(username="o")
    patch = PatchFactory(project=ProjectFactory(maintainers=[maintainer]))
    with pytest.raises(DelegateNotMaintainer, match="User 'o' is not a maintainer"):
        patch_update(patch=patch, actor=None, delegate=outsider)
    patch_update(patch=patch, actor=None, delegate=maintainer)
    patch_update(patch=patch, actor=None, delegate=None)
    assert events(patch) == [
        ("patch-delegated", None, None, None, None, "m"),
        ("patch-delegated", None, None, None, "m", None),
    ]


def test_unchanged_values_write_nothing():
    patch = PatchFactory(archived=True, commit_ref="abc")
    patch_update(
        patch=patch, actor=None, state=patch.state, archived=True, commit_ref="abc"
    )
    assert events(patch) == []


def test_flags_change_without_events():
    patch = PatchFactory()
    patch_update(patch=patch, actor=None, archived=True, commit_ref="deadbeef")
    patch.refresh_from_db()
    assert (patch.archived, patch.commit_ref) == (True, "deadbeef")
    assert events(patch) == []
