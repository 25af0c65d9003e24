"""The narrowing every patch list shares (apps.patches.filters)."""

import pytest

from apps.patches.filters import (
    delegated_to,
    needing_action,
    search_patches,
    submitted_by,
)
from apps.patches.models import Patch, State
from tests.factories import PatchFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(patches) -> list[str]:
    return sorted(patches.values_list("name", flat=True))


def test_search_finds_the_text_in_names_in_any_case():
    PatchFactory(name="[PATCH] net: Fix the frobnicator")
    PatchFactory(name="[PATCH] mm: tidy")
    assert names(search_patches(Patch.objects.all(), "FIX the")) == [
        "[PATCH] net: Fix the frobnicator"
    ]
    assert names(search_patches(Patch.objects.all(), "the fix")) == []


def test_needing_action_keeps_action_required_states():
    states = list(State.objects.all())
    new = State.objects.get(slug="new")
    accepted = State.objects.get(slug="accepted")
    PatchFactory(name="open", state=new)
    PatchFactory(name="done", state=accepted)
    assert names(needing_action(Patch.objects.all(), states)) == ["open"]


def test_submitted_by_a_linked_person_covers_all_their_addresses():
    user = UserFactory()
    work = PersonFactory(user=user)
    home = PersonFactory(user=user)
    stranger = PersonFactory()
    PatchFactory(name="from work", submitter=work)
    PatchFactory(name="from home", submitter=home)
    PatchFactory(name="other", submitter=stranger)
    assert names(submitted_by(Patch.objects.all(), home)) == [
        "from home",
        "from work",
    ]
    assert names(submitted_by(Patch.objects.all(), stranger)) == ["other"]


def test_delegated_to_a_user_or_nobody():
    maintainer = UserFactory()
    PatchFactory(name="theirs", delegate=maintainer)
    PatchFactory(name="nobody's")
    assert names(delegated_to(Patch.objects.all(), maintainer)) == ["theirs"]
    assert names(delegated_to(Patch.objects.all(), None)) == ["nobody's"]
