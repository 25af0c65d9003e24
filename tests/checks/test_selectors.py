"""One rule for the current checks of a patch, whichever read applies it."""

import datetime as dt

import pytest

from apps.checks.models import Check
from apps.checks.selectors import check_list, checks_with_patch
from apps.patches import fixed_sql
from apps.patches.models import Patch
from apps.patches.selectors import current_checks, patch_with_check_state
from apps.patches.selectors.annotations import with_check_state
from tests.factories import CheckFactory, PatchFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def checked():
    """A patch whose newest checks are: ci/build success, ci/test warning,
    lab/build fail (older or lower-id checks of the same keys are stale)."""
    patch = PatchFactory()
    ci, lab = UserFactory(username="ci"), UserFactory(username="lab")

    def report(user, context, state, date):
        return CheckFactory(
            patch=patch, user=user, context=context, state=state, date=date
        )

    report(ci, "build", Check.State.FAIL, NOON - dt.timedelta(hours=1))
    newest = [report(ci, "build", Check.State.SUCCESS, NOON)]
    # Equal dates: the later report wins.
    report(ci, "test", Check.State.FAIL, NOON)
    newest.append(report(ci, "test", Check.State.WARNING, NOON))
    newest.append(report(lab, "build", Check.State.FAIL, NOON))
    # An older report arriving last stays stale.
    report(lab, "build", Check.State.SUCCESS, NOON - dt.timedelta(days=1))
    return patch, newest


def test_current_checks_are_the_newest_per_user_and_context(checked):
    patch, newest = checked
    assert list(current_checks(patch_id=patch.pk)) == newest


def test_every_read_of_current_checks_agrees(checked):
    patch, newest = checked
    page = fixed_sql.patch_checks(patch)
    assert sorted(check.pk for check in page) == [check.pk for check in newest]
    assert [(c.user.username, c.context) for c in page] == [
        ("ci", "build"),
        ("ci", "test"),
        ("lab", "build"),
    ]
    assert fixed_sql.check_counts([patch.pk]) == {
        (patch.pk, Check.State.SUCCESS): 1,
        (patch.pk, Check.State.WARNING): 1,
        (patch.pk, Check.State.FAIL): 1,
    }
    found = patch_with_check_state(patch.pk)
    assert found is not None
    assert found.check_state == Check.State.FAIL


def test_check_state_without_checks_is_pending():
    patch = PatchFactory()
    annotated = with_check_state(Patch.objects.all()).get(pk=patch.pk)
    assert annotated.check_state == Check.State.PENDING


def test_check_list_is_every_check_of_one_patch_by_id(django_assert_num_queries):
    patch = PatchFactory()
    first = CheckFactory(patch=patch, context="build")
    again = CheckFactory(patch=patch, context="build", user=first.user)
    CheckFactory()  # another patch's
    with django_assert_num_queries(1):
        checks = list(check_list(patch_id=patch.pk))
        users = [check.user.username for check in checks]
    assert checks == [first, again]
    assert users == [first.user.username] * 2


def test_checks_with_patch_load_the_patch_without_its_bodies():
    check = CheckFactory()
    loaded = checks_with_patch().get(pk=check.pk)
    assert loaded.patch == check.patch
    assert {"diff", "content", "headers"} <= loaded.patch.get_deferred_fields()
