"""Relations, tag counts and comment flags, through their services directly."""

import pytest

from apps.events.models import Event
from apps.patches.exceptions import RelationConflict, RelationForbidden
from apps.patches.models import PatchRelation, PatchTag, Tag
from apps.patches.services.comments import comment_set_addressed
from apps.patches.services.relations import patch_set_related, relations_replace
from apps.patches.services.tags import (
    patch_add_tag_counts,
    patch_tags_init,
    patches_retag,
    tag_counts,
)
from tests.factories import (
    CoverCommentFactory,
    PatchCommentFactory,
    PatchFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer():
    return UserFactory(username="keeper")


@pytest.fixture
def project(maintainer):
    return ProjectFactory(maintainers=[maintainer])


def groups(*patches) -> set[frozenset[int]]:
    """The relations among ``patches``, as sets of patch ids."""
    found: dict[int, set[int]] = {}
    for patch in patches:
        patch.refresh_from_db()
        if patch.related_id is not None:
            found.setdefault(patch.related_id, set()).add(patch.pk)
    return {frozenset(ids) for ids in found.values()}


def relation_events() -> list[tuple[int, int | None, int | None]]:
    return list(
        Event.objects.filter(category="patch-relation-changed")
        .order_by("id")
        .values_list("patch_id", "previous_relation_id", "current_relation_id")
    )


# --- patch_set_related --------------------------------------------------------------


def test_relating_patches_makes_one_relation_with_an_event_each(project, maintainer):
    a, b, c = PatchFactory.create_batch(3, project=project)
    patch_set_related(patch=a, related=[b, c], actor=maintainer)
    assert groups(a, b, c) == {frozenset({a.pk, b.pk, c.pk})}
    relation = PatchRelation.objects.get()
    assert relation_events() == [
        (a.pk, None, relation.pk),
        (b.pk, None, relation.pk),
        (c.pk, None, relation.pk),
    ]
    assert set(Event.objects.values_list("actor", flat=True)) == {maintainer.pk}


def test_relating_is_additive_and_joins_the_existing_relation(project, maintainer):
    a, b, c = PatchFactory.create_batch(3, project=project)
    patch_set_related(patch=a, related=[b], actor=maintainer)
    patch_set_related(patch=c, related=[a], actor=maintainer)
    assert groups(a, b, c) == {frozenset({a.pk, b.pk, c.pk})}
    assert PatchRelation.objects.count() == 1


def test_naming_the_patch_itself_or_its_members_changes_nothing(project, maintainer):
    a, b = PatchFactory.create_batch(2, project=project)
    patch_set_related(patch=a, related=[b], actor=maintainer)
    before = relation_events()
    patch_set_related(patch=a, related=[a, b], actor=maintainer)
    assert relation_events() == before


def test_removing_the_last_but_one_dissolves_the_relation(project, maintainer):
    a, b, c = PatchFactory.create_batch(3, project=project)
    patch_set_related(patch=a, related=[b, c], actor=maintainer)
    patch_set_related(patch=a, related=[], actor=maintainer)
    assert groups(a, b, c) == {frozenset({b.pk, c.pk})}
    patch_set_related(patch=b, related=[], actor=maintainer)
    assert groups(a, b, c) == set()
    assert not PatchRelation.objects.exists()
    # Removing a patch that is in no relation records nothing.
    count = len(relation_events())
    patch_set_related(patch=a, related=[], actor=maintainer)
    assert len(relation_events()) == count


def test_two_relations_never_merge(project, maintainer):
    a, b, c, d = PatchFactory.create_batch(4, project=project)
    patch_set_related(patch=a, related=[b], actor=maintainer)
    patch_set_related(patch=c, related=[d], actor=maintainer)
    with pytest.raises(RelationConflict):
        patch_set_related(patch=a, related=[c], actor=maintainer)
    with pytest.raises(RelationConflict):
        patch_set_related(
            patch=PatchFactory(project=project), related=[a, c], actor=maintainer
        )
    assert groups(a, b, c, d) == {frozenset({a.pk, b.pk}), frozenset({c.pk, d.pk})}


def test_every_project_involved_must_be_maintained(project, maintainer):
    mine = PatchFactory(project=project)
    theirs = PatchFactory(project=ProjectFactory())
    with pytest.raises(RelationForbidden):
        patch_set_related(patch=mine, related=[theirs], actor=maintainer)
    with pytest.raises(RelationForbidden):
        patch_set_related(patch=mine, related=[], actor=None)
    assert groups(mine, theirs) == set()
    assert not Event.objects.exists()


# --- relations_replace --------------------------------------------------------------


def test_replacing_relations_keeps_unchanged_ones_and_drops_the_rest(project):
    a, b, c, d, e = PatchFactory.create_batch(5, project=project)
    relations_replace(groups=[[a.pk, b.pk], [c.pk, d.pk]])
    kept = PatchRelation.objects.get(patches=a)
    missing = max(p.pk for p in (a, b, c, d, e)) + 100
    count = relations_replace(groups=[[a.pk, b.pk], [d.pk, e.pk, missing], [c.pk]])
    assert count == 2
    assert groups(a, b, c, d, e) == {frozenset({a.pk, b.pk}), frozenset({d.pk, e.pk})}
    assert PatchRelation.objects.get(patches=a) == kept
    assert PatchRelation.objects.count() == 2  # c and d's old relation is gone
    c.refresh_from_db()
    assert c.related_id is None


def test_a_patch_in_several_groups_goes_to_the_last(project):
    a, b, c = PatchFactory.create_batch(3, project=project)
    assert relations_replace(groups=[[a.pk, b.pk], [b.pk, c.pk]]) == 1
    assert groups(a, b, c) == {frozenset({b.pk, c.pk})}


# --- tags ---------------------------------------------------------------------------


@pytest.fixture
def fixes():
    return Tag.objects.create(name="Fixes", pattern=r"^Fixes: ", abbrev="X")


def stored(patch) -> dict[str, int]:
    return dict(PatchTag.objects.filter(patch=patch).values_list("tag__name", "count"))


def test_tag_counts_count_matching_lines_case_insensitively(fixes):
    broken = Tag.objects.create(name="Broken", pattern="(", abbrev="Z")
    texts = ["Fixes: 1\nfixes: 2\n  Fixes: not at the start", None, "", "FIXES: 3"]
    assert tag_counts(texts, [fixes, broken]) == {fixes.pk: 3}
    assert tag_counts(["nothing here"], [fixes]) == {}


def test_a_new_patch_stores_its_own_counts_only_above_zero(fixes):
    patch = PatchFactory(content="Fixes: abc\nFixes: def\n")
    patch_tags_init(patch_id=patch.pk, content=patch.content, tags=[fixes])
    assert stored(patch) == {"Fixes": 2}
    quiet = PatchFactory(content="No tags.")
    patch_tags_init(patch_id=quiet.pk, content=quiet.content, tags=[fixes])
    assert stored(quiet) == {}


def test_a_reply_adds_its_counts_to_the_stored_ones(fixes):
    patch = PatchFactory(content="Fixes: abc\n")
    patch_tags_init(patch_id=patch.pk, content=patch.content, tags=[fixes])
    patch_add_tag_counts(patch_id=patch.pk, counts={fixes.pk: 2})
    patch_add_tag_counts(patch_id=patch.pk, counts={})
    assert stored(patch) == {"Fixes": 3}


def test_retagging_recounts_patch_and_comments_where_tags_are_used(fixes):
    patch = PatchFactory(content="Fixes: a\n")
    PatchCommentFactory(patch=patch, content="Fixes: b\nFixes: c\n")
    CoverCommentFactory(content="Fixes: covers never count\n")
    PatchTag.objects.create(patch=patch, tag=fixes, count=99)
    off = PatchFactory(project=ProjectFactory(use_tags=False), content="Fixes: x\n")
    progress = []
    assert (
        patches_retag(
            progress=lambda done, total: progress.append((done, total)), batch_size=1
        )
        == 1
    )
    assert stored(patch)["Fixes"] == 3
    assert stored(off) == {}
    assert progress == [(1, 1)]
    assert patches_retag(patch_ids=[off.pk]) == 0


# --- comments -------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [PatchCommentFactory, CoverCommentFactory])
def test_a_comment_is_marked_addressed_unaddressed_or_neither(factory):
    comment = factory()
    for value in (False, True, None):
        comment_set_addressed(comment=comment, addressed=value)
        comment.refresh_from_db()
        assert comment.addressed is value
    assert not Event.objects.filter(category__endswith="comment-created").exists()
