"""The read layer of versions: state summaries and versions of a page of series."""

import itertools

import pytest

from apps.patches.models import Series, State
from apps.patches.selectors import (
    attach_series_versions,
    series_next_version,
    series_state,
    series_versions,
    with_superseded,
)
from apps.patches.services.versions import series_set_previous_version
from tests.factories import PatchFactory, ProjectFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def state(slug: str) -> State:
    return State.objects.get(slug=slug)


def series_with(project, *slugs: str, **kwargs) -> Series:
    series = SeriesFactory(project=project, total=len(slugs), **kwargs)
    for number, slug in enumerate(slugs, start=1):
        PatchFactory(project=project, series=series, number=number, state=state(slug))
    return series


def chain(project, count: int) -> list[Series]:
    rows = [series_with(project, "new", version=n) for n in range(1, count + 1)]
    for previous, current in itertools.pairwise(rows):
        series_set_previous_version(series=current, previous=previous)
    return [Series.objects.get(pk=s.pk) for s in rows]


def test_state_of_uniform_mixed_and_empty_series():
    project = ProjectFactory()
    assert series_state(series_with(project, "accepted", "accepted")).label == (
        "accepted"
    )
    mixed = series_with(project, "accepted", "new", "accepted", "accepted")
    mixed = series_state(mixed)
    assert mixed.label == "3 accepted, 1 new"
    assert mixed.uniform is None
    assert series_state(series_with(project)).label is None


def test_a_series_with_a_newer_version_is_superseded():
    project = ProjectFactory()
    old, new = chain(project, 2)
    assert series_state(old).label == "superseded"
    assert series_state(new).label == "new"
    flagged = with_superseded(Series.objects.all()).values_list("pk", "superseded")
    flagged = dict(flagged)
    assert flagged == {old.pk: True, new.pk: False}


def test_versions_and_next_version_of_one_series():
    project = ProjectFactory()
    first, second, third = chain(project, 3)
    assert series_versions(second) == [first, second, third]
    assert series_next_version(second) == third
    assert series_next_version(third) is None
    lone = series_with(project, "new")
    assert series_versions(lone) == [lone]


@pytest.mark.parametrize("count", [1, 8])
def test_a_page_of_series_takes_two_queries(django_assert_num_queries, count):
    project = ProjectFactory()
    chains = [chain(project, 3) for _ in range(count)]
    rows = list(Series.objects.filter(pk__in=[c[1].pk for c in chains]))
    with django_assert_num_queries(2):
        attach_series_versions(rows)
    for row, versions in zip(rows, chains, strict=True):
        assert [v.pk for v in row.versions] == [v.pk for v in versions]
        assert row.previous_version_row.pk == versions[0].pk
        assert row.next_version_row.pk == versions[2].pk
        assert row.state.label == "superseded"
        assert row.versions[0].project.linkname == project.linkname


def test_attach_to_nothing_costs_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert attach_series_versions([]) == []
