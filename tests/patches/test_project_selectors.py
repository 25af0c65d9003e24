"""Patches counted per project, todo lists, states and tags, read directly."""

import pytest

from apps.patches.models import State, Tag
from apps.patches.selectors.projects import (
    contributed_projects,
    project_patch_counts,
    state_get,
    state_list,
    state_named,
    tag_columns,
    tag_list,
    todo_count,
    todo_projects,
)
from apps.patches.selectors.rows import todo_patches
from tests.factories import PatchFactory, PersonFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_project_counts_its_active_and_archived_patches():
    project = ProjectFactory()
    PatchFactory.create_batch(2, project=project)
    PatchFactory(project=project, archived=True)
    PatchFactory()  # another project's
    assert project_patch_counts(project) == (2, 1)
    assert project_patch_counts(ProjectFactory()) == (0, 0)


def test_the_todo_list_is_unarchived_delegated_patches_needing_action():
    ann = UserFactory()
    widgets = ProjectFactory(linkname="widgets")
    gadgets = ProjectFactory(linkname="gadgets")
    new = State.objects.get(slug="new")
    accepted = State.objects.get(slug="accepted")
    assert (new.action_required, accepted.action_required) == (True, False)
    todo = [
        PatchFactory(project=widgets, delegate=ann, state=new),
        PatchFactory(project=widgets, delegate=ann, state=new),
        PatchFactory(project=gadgets, delegate=ann, state=new),
    ]
    PatchFactory(project=widgets, delegate=ann, state=accepted)
    PatchFactory(project=widgets, delegate=ann, state=new, archived=True)
    PatchFactory(project=widgets, state=new)  # nobody's
    assert set(todo_patches(ann)) == set(todo)
    assert set(todo_patches(ann, gadgets)) == {todo[2]}
    assert todo_count(ann) == 3
    listed = todo_projects(ann)
    assert [(p.linkname, p.todo_count) for p in listed] == [
        ("gadgets", 1),
        ("widgets", 2),
    ]
    assert todo_projects(UserFactory()) == []


def test_projects_a_user_contributed_to_through_any_linked_address():
    ann = UserFactory()
    work = PersonFactory(user=ann)
    home = PersonFactory(user=ann)
    zed, abc = ProjectFactory(linkname="zed"), ProjectFactory(linkname="abc")
    PatchFactory(project=zed, submitter=work)
    PatchFactory(project=abc, submitter=home)
    PatchFactory(project=abc, submitter=home)
    PatchFactory(project=ProjectFactory(linkname="other"))
    assert contributed_projects(ann) == [abc, zed]


def test_states_in_their_order_and_by_name_in_any_case():
    states = state_list()
    assert [s.ordering for s in states] == sorted(s.ordering for s in states)
    assert states[0].slug == "new"
    accepted = State.objects.get(slug="accepted")
    assert state_named("ACCEPTED") == accepted
    assert state_named("no such state") is None
    assert state_get(accepted.pk) == accepted
    assert state_get(max(s.pk for s in states) + 1) is None


def test_tag_columns_are_the_shown_tags_by_abbreviation():
    hidden = Tag.objects.create(
        name="Hidden", pattern="^Hidden:", abbrev="H", show_column=False
    )
    first = Tag.objects.create(name="First", pattern="^First:", abbrev="0")
    assert hidden in tag_list()
    columns = tag_columns()
    assert hidden not in columns
    assert columns[0] == first
    assert [t.abbrev for t in columns] == sorted(t.abbrev for t in columns)
