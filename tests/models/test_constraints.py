"""Uniqueness that ingest and the API rely on is enforced by the database."""

import pytest
from django.db import IntegrityError, transaction

from apps.patches.models import SeriesReference
from apps.people.models import Person
from tests.factories import (
    BundleFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_patch_msgid_unique_per_project_only():
    patch = PatchFactory()
    assert _violates(lambda: PatchFactory(project=patch.project, msgid=patch.msgid))
    # The same mail sent to two lists is stored once per project.
    assert not _violates(lambda: PatchFactory(msgid=patch.msgid))


def test_cover_msgid_unique_per_project():
    cover = CoverFactory()
    assert _violates(lambda: CoverFactory(project=cover.project, msgid=cover.msgid))


def test_comment_msgid_unique_per_parent():
    comment = PatchCommentFactory()
    assert _violates(
        lambda: PatchCommentFactory(patch=comment.patch, msgid=comment.msgid)
    )
    assert not _violates(lambda: PatchCommentFactory(msgid=comment.msgid))


def test_person_email_unique_ignoring_case():
    Person.objects.create(email="Alice@Example.com", name="Alice")
    assert _violates(lambda: Person.objects.create(email="alice@example.COM"))


def test_series_reference_unique_per_project():
    series = SeriesFactory()
    SeriesReference.objects.create(series=series, project=series.project, msgid="<a@b>")
    assert _violates(
        lambda: SeriesReference.objects.create(
            series=SeriesFactory(project=series.project),
            project=series.project,
            msgid="<a@b>",
        )
    )


def test_patch_number_unique_in_series():
    series = SeriesFactory()
    PatchFactory(project=series.project, series=series, number=1)
    assert _violates(
        lambda: PatchFactory(project=series.project, series=series, number=1)
    )


def test_bundle_name_unique_per_owner():
    bundle = BundleFactory()
    assert _violates(lambda: BundleFactory(owner=bundle.owner, name=bundle.name))
    assert not _violates(lambda: BundleFactory(owner=UserFactory(), name=bundle.name))


def test_project_list_and_subject_match_unique():
    project = ProjectFactory()
    assert _violates(lambda: ProjectFactory(listid=project.listid))
    assert not _violates(
        lambda: ProjectFactory(listid=project.listid, subject_match=r"\[foo\]")
    )


def test_deleting_a_delegate_keeps_the_patch():
    """Upstream cascades and loses the patch; we only clear the delegate."""
    delegate = UserFactory()
    patch = PatchFactory(delegate=delegate)
    delegate.delete()
    patch.refresh_from_db()
    assert patch.delegate is None
