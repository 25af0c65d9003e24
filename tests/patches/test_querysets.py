import datetime as dt

import pytest

from apps.checks.models import Check
from apps.patches.models import Patch, Series
from apps.patches.selectors.annotations import with_check_state, with_received_counts
from tests.factories import CheckFactory, PatchFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Check.State
T0 = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def check_state(patch) -> int:
    return with_check_state(Patch.objects.all()).get(pk=patch.pk).check_state


def add(patch, user, context, state, minutes=0):
    CheckFactory(
        patch=patch,
        user=user,
        context=context,
        state=state,
        date=T0 + dt.timedelta(minutes=minutes),
    )


def test_no_checks_is_pending():
    assert check_state(PatchFactory()) == S.PENDING


def test_newest_check_per_context_wins():
    patch, ci = PatchFactory(), UserFactory()
    add(patch, ci, "build", S.FAIL, minutes=0)
    add(patch, ci, "build", S.SUCCESS, minutes=5)
    assert check_state(patch) == S.SUCCESS


def test_equal_dates_take_the_later_created():
    patch, ci = PatchFactory(), UserFactory()
    add(patch, ci, "build", S.SUCCESS)
    add(patch, ci, "build", S.WARNING)
    assert check_state(patch) == S.WARNING


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([S.SUCCESS, S.FAIL, S.WARNING], S.FAIL),
        ([S.SUCCESS, S.WARNING, S.PENDING], S.WARNING),
        ([S.SUCCESS, S.PENDING], S.PENDING),
        ([S.SUCCESS, S.SUCCESS], S.SUCCESS),
    ],
)
def test_worst_state_among_contexts(states, expected):
    patch, ci = PatchFactory(), UserFactory()
    for index, state in enumerate(states):
        add(patch, ci, f"ctx{index}", state)
    assert check_state(patch) == expected


def test_same_context_from_two_users_counts_separately():
    patch = PatchFactory()
    add(patch, UserFactory(), "build", S.FAIL, minutes=0)
    add(patch, UserFactory(), "build", S.SUCCESS, minutes=5)
    assert check_state(patch) == S.FAIL


def test_check_state_of_many_patches_in_one_query(django_assert_num_queries):
    patches = PatchFactory.create_batch(5)
    add(patches[2], UserFactory(), "x", S.FAIL)
    with django_assert_num_queries(1):
        states = {
            p.pk: p.check_state
            for p in with_check_state(Patch.objects.with_list_related())
        }
    assert states[patches[2].pk] == S.FAIL
    assert states[patches[0].pk] == S.PENDING


def test_series_received_total():
    series = SeriesFactory(total=3)
    PatchFactory(project=series.project, series=series, number=1)
    PatchFactory(project=series.project, series=series, number=2)
    empty = SeriesFactory()
    counts = with_received_counts(Series.objects.all()).values_list(
        "pk", "received_total", "received_all"
    )
    assert set(counts) == {(series.pk, 2, False), (empty.pk, 0, False)}
