"""Each recorder stores its category with exactly the objects its payload shows.

The API builds an event's payload from the columns set here (and the
category's table of keys), so a recorder filling a wrong or extra column
shows clients a wrong payload. ``event_list`` is the feed's read.
"""

import datetime as dt

import pytest
from django.utils import timezone

from apps.events import services
from apps.events.models import Event
from apps.events.selectors import event_list
from apps.patches.models import PatchRelation, State
from tests.factories import (
    CheckFactory,
    CoverCommentFactory,
    CoverFactory,
    PatchCommentFactory,
    PatchFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OBJECT_COLUMNS = (
    "patch",
    "series",
    "cover",
    "previous_state",
    "current_state",
    "previous_delegate",
    "current_delegate",
    "previous_relation",
    "current_relation",
    "created_check",
    "patch_comment",
    "cover_comment",
)


def filled(event: Event) -> dict[str, object]:
    """The event's object columns that are set, read back from the database."""
    stored = Event.objects.get(pk=event.pk)
    return {
        name: getattr(stored, name)
        for name in OBJECT_COLUMNS
        if getattr(stored, f"{name}_id") is not None
    }


@pytest.fixture
def actor():
    return UserFactory(username="actor")


def test_submission_recorders(actor):
    patch = PatchFactory()
    cover = CoverFactory(project=patch.project)
    series = SeriesFactory(project=patch.project)
    cases = [
        (services.record_patch_created(patch=patch), "patch-created", {"patch": patch}),
        (services.record_cover_created(cover=cover), "cover-created", {"cover": cover}),
        (
            services.record_series_created(series=series),
            "series-created",
            {"series": series},
        ),
        (
            services.record_series_completed(series=series),
            "series-completed",
            {"series": series},
        ),
        (
            services.record_patch_completed(patch=patch, series=series),
            "patch-completed",
            {"patch": patch, "series": series},
        ),
    ]
    for event, category, objects in cases:
        assert (event.category, event.project_id, event.actor) == (
            category,
            patch.project_id,
            None,
        )
        assert filled(event) == objects


def test_changes_by_people_record_before_and_after_and_who(actor):
    patch = PatchFactory()
    new, accepted = State.objects.get(slug="new"), State.objects.get(slug="accepted")
    delegate = UserFactory()
    relation = PatchRelation.objects.create()
    state = services.record_patch_state_changed(
        patch=patch, previous=new, current=accepted, actor=actor
    )
    delegated = services.record_patch_delegated(
        patch=patch, previous=None, current=delegate, actor=actor
    )
    related = services.record_patch_relation_changed(
        patch=patch, previous=relation, current=None, actor=None
    )
    assert (state.category, state.actor) == ("patch-state-changed", actor)
    assert filled(state) == {
        "patch": patch,
        "previous_state": new,
        "current_state": accepted,
    }
    assert filled(delegated) == {"patch": patch, "current_delegate": delegate}
    assert related.actor is None
    assert filled(related) == {"patch": patch, "previous_relation": relation}


def test_a_check_is_recorded_with_its_reporter_as_actor():
    check = CheckFactory()
    event = services.record_check_created(
        check=check, project_id=check.patch.project_id
    )
    assert (event.category, event.actor, event.project_id) == (
        "check-created",
        check.user,
        check.patch.project_id,
    )
    assert filled(event) == {"patch": check.patch, "created_check": check}


def test_comments_are_recorded_with_what_they_reply_to():
    patch_comment = PatchCommentFactory()
    cover_comment = CoverCommentFactory()
    on_patch = services.record_patch_comment_created(comment=patch_comment)
    on_cover = services.record_cover_comment_created(comment=cover_comment)
    assert on_patch.category == "patch-comment-created"
    assert filled(on_patch) == {
        "patch": patch_comment.patch,
        "patch_comment": patch_comment,
    }
    assert on_cover.category == "cover-comment-created"
    assert on_cover.project_id == cover_comment.cover.project_id
    assert filled(on_cover) == {
        "cover": cover_comment.cover,
        "cover_comment": cover_comment,
    }


def test_the_feed_is_newest_first_and_hides_categories_asked():
    patch = PatchFactory()
    first = services.record_patch_created(patch=patch)
    second = services.record_cover_created(cover=CoverFactory(project=patch.project))
    third = services.record_patch_created(patch=patch)
    Event.objects.filter(pk=first.pk).update(date=timezone.now() + dt.timedelta(1))
    assert list(event_list()) == [first, third, second]
    assert list(event_list(categories_hidden=("patch-created",))) == [second]


def test_the_feed_reads_each_page_in_one_query(django_assert_num_queries):
    patch = PatchFactory()
    services.record_check_created(
        check=CheckFactory(patch=patch), project_id=patch.project_id
    )
    services.record_patch_comment_created(comment=PatchCommentFactory(patch=patch))
    with django_assert_num_queries(1):
        events = list(event_list())
        payload = [
            (
                e.project.linkname,
                e.patch.name,
                e.actor,
                e.created_check,
                e.patch_comment,
            )
            for e in events
        ]
    assert len(payload) == 2
