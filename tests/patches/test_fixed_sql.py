"""Fixed-SQL reads give the same instances, values and relations as the ORM."""

import pytest

from apps.patches import fixed_sql
from apps.patches.fixed_sql import series_by_references, series_holds
from apps.patches.models import Patch, SeriesReference
from tests.factories import (
    CheckFactory,
    PatchCommentFactory,
    PatchFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
    }


def test_patch_page_read_equals_the_orm(project, maintainer):
    series = SeriesFactory(project=project)
    patch = PatchFactory(
        project=project, series=series, number=1, delegate=maintainer, archived=True
    )
    comment = PatchCommentFactory(patch=patch, addressed=False)
    check = CheckFactory(patch=patch, user=UserFactory(username="ci"))

    got = fixed_sql.patch_page(project.linkname, patch.msgid)
    orm = Patch.objects.select_related(
        "project", "state", "submitter", "delegate", "series"
    ).get(pk=patch.pk)
    assert values(got) == values(orm)
    assert got.date.utcoffset() is not None  # aware, as the ORM gives it
    assert got.archived is True
    for relation in ("project", "state", "submitter", "delegate", "series"):
        assert values(getattr(got, relation)) == values(getattr(orm, relation))
    [read_comment] = fixed_sql.comments(got)
    comment.refresh_from_db()
    assert values(read_comment) == values(comment)
    assert read_comment.addressed is False
    [read_check] = fixed_sql.patch_checks(got)
    check.refresh_from_db()
    assert values(read_check) == values(check)
    assert read_check.user.username == "ci"


def test_ingest_series_lookup_equals_the_orm(project):
    series = SeriesFactory(project=project)
    SeriesReference.objects.create(project=project, series=series, msgid="<a@x>")
    found = series_by_references(project_id=project.pk, msgids=["<a@x>", "<b@x>"])
    assert list(found) == ["<a@x>"]
    series.refresh_from_db()
    assert values(found["<a@x>"]) == values(series)
    assert series_holds(series, "<a@x>") is False  # only referenced
