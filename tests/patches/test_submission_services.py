"""Creating patches, cover letters and comments: the row, the tags, the event."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.events.models import Event
from apps.patches.models import Patch, PatchTag, State, Tag
from apps.patches.services.submissions import (
    cover_comment_create,
    cover_create,
    patch_comment_create,
    patch_create,
)
from tests.factories import (
    CoverFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2024, 5, 6, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def acks():
    return Tag.objects.create(name="Fixes", pattern=r"^Fixes: ", abbrev="X")


def new_patch(**kwargs) -> Patch:
    values = {
        "project": ProjectFactory(),
        "msgid": "<p@example.org>",
        "name": "[1/2] widget: step 1",
        "date": NOON,
        "headers": "Message-Id: <p@example.org>",
        "submitter": PersonFactory(),
        "content": "Step 1.\nFixes: abc\n",
        "diff": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
        "diff_hash": "0" * 40,
        "pull_url": None,
        "state": State.objects.get(slug="new"),
    }
    return patch_create(**{**values, **kwargs})


def events(**where) -> list[str]:
    return list(Event.objects.filter(**where).values_list("category", flat=True))


def test_a_patch_is_stored_with_its_place_and_its_event(acks):
    series = SeriesFactory(total=2)
    patch = new_patch(project=series.project, series=series, number=1, tags=[acks])
    stored = Patch.objects.get(pk=patch.pk)
    assert (stored.series, stored.number, stored.hash) == (series, 1, "0" * 40)
    assert dict(stored.patchtag_set.values_list("tag__name", "count")) == {"Fixes": 1}
    assert events(patch=patch) == ["patch-created"]


def test_without_tag_definitions_nothing_is_counted(acks):
    patch = new_patch()
    assert not PatchTag.objects.filter(patch=patch).exists()


@pytest.mark.parametrize(
    "url",
    [
        "git://git.example.org/widgets.git for-next",
        "https://git.example.org/widgets.git tags/v2.1",
    ],
)
def test_a_pull_request_keeps_its_repository_and_ref(url):
    assert new_patch(pull_url=url, diff=None, diff_hash=None).pull_url == url


@pytest.mark.parametrize(
    "url", ["javascript:alert(1) main", "git://git.example.org/\nwidgets.git x"]
)
def test_a_pull_url_that_is_no_repository_is_refused_and_nothing_stored(url):
    with pytest.raises(ValidationError):
        new_patch(pull_url=url)
    assert not Patch.objects.exists()
    assert not Event.objects.exists()


def test_a_cover_letter_is_stored_with_its_event():
    project = ProjectFactory()
    cover = cover_create(
        project=project,
        msgid="<c@example.org>",
        name="[PATCH 0/2] widget",
        date=NOON,
        headers="Message-Id: <c@example.org>",
        submitter=PersonFactory(),
        content="Two steps.",
    )
    assert (cover.project, cover.name) == (project, "[PATCH 0/2] widget")
    assert events(cover=cover) == ["cover-created"]


def test_a_reply_to_a_patch_adds_its_tags_to_the_patch(acks):
    patch = new_patch(tags=[acks])
    comment = patch_comment_create(
        patch=patch,
        msgid="<r@example.org>",
        date=NOON,
        headers="Message-Id: <r@example.org>",
        submitter=PersonFactory(),
        content="Fixes: def\nFixes: ghi\n",
        addressed=None,
        tags=[acks],
    )
    assert comment.patch == patch
    assert PatchTag.objects.get(patch=patch).count == 3
    assert events(patch_comment=comment) == ["patch-comment-created"]


def test_a_reply_to_a_cover_is_stored_with_its_event():
    cover = CoverFactory()
    comment = cover_comment_create(
        cover=cover,
        msgid="<r@example.org>",
        date=NOON,
        headers="Message-Id: <r@example.org>",
        submitter=PersonFactory(),
        content="Thanks.",
        addressed=False,
    )
    assert (comment.cover, comment.addressed) == (cover, False)
    assert events(cover_comment=comment) == ["cover-comment-created"]
