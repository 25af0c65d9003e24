"""Relations between patches (the same change sent for several branches ...).

A relation is an unordered set of two or more patches; a patch is in at most
one. Changing one needs maintainer rights on every project involved
(``apps.patches.rules.can_change_relations``): the patch's, those of the
patches currently related to it, and those of the patches named.
"""

from collections.abc import Sequence

from django.db import transaction

from apps.patches.exceptions import RelationConflict, RelationForbidden
from apps.patches.history import history
from apps.patches.models import Patch, PatchRelation
from apps.patches.rules import can_change_relations
from apps.people.models import User


def _members(relation_id: int | None) -> list[Patch]:
    if relation_id is None:
        return []
    return list(
        Patch.objects.filter(related_id=relation_id).only(
            "id", "project_id", "related_id"
        )
    )


def _move(
    patches: Sequence[Patch], relation: PatchRelation | None, actor: User | None
) -> None:
    """Put ``patches`` into ``relation`` (None: out of any), recording events."""
    for patch in patches:
        previous_id = patch.related_id
        new_id = relation.pk if relation is not None else None
        if previous_id == new_id:
            continue
        previous = (
            PatchRelation.objects.filter(pk=previous_id).first()
            if previous_id is not None
            else None
        )
        Patch.objects.filter(pk=patch.pk).update(related=relation)
        patch.related = relation
        history().record_patch_relation_changed(
            patch=patch, previous=previous, current=relation, actor=actor
        )


@transaction.atomic
def patch_set_related(
    *, patch: Patch, related: Sequence[Patch], actor: User | None
) -> Patch:
    """Change the relation of ``patch`` as the API's ``related`` field asks.

    * ``related`` empty: take ``patch`` out of its relation; a relation left
      with one patch is dissolved.
    * otherwise additive: ``patch``, the patches named and the members of
      the relation involved end up in one relation (created if needed).

    Raises ``RelationForbidden`` unless ``actor`` maintains every project
    involved, and ``RelationConflict`` when two different relations would
    have to merge (a patch must be removed from one first). Records a
    ``patch-relation-changed`` event for every patch whose relation changed.
    """
    current = _members(patch.related_id)
    named = [other for other in related if other.pk != patch.pk]
    involved = {p.project_id for p in (patch, *current, *named)}
    if not can_change_relations(actor, involved):
        raise RelationForbidden()

    if not named:
        if patch.related_id is None or related:
            return patch
        relation = patch.related
        assert relation is not None  # patch.related_id is set
        remaining = [member for member in current if member.pk != patch.pk]
        _move([patch], None, actor)
        if len(remaining) < 2:
            _move(remaining, None, actor)
            relation.delete()
        return patch

    relation_ids = {p.related_id for p in (*current, *named) if p.related_id}
    if len(relation_ids) > 1 or (
        patch.related_id is not None and relation_ids - {patch.related_id}
    ):
        raise RelationConflict()
    if relation_ids:
        relation = PatchRelation.objects.get(pk=relation_ids.pop())
    else:
        relation = PatchRelation.objects.create()
    _move([patch, *named], relation, actor)
    return patch


@transaction.atomic
def relations_replace(
    *, groups: Sequence[Sequence[int]], actor: User | None = None
) -> int:
    """Make ``groups`` of patch ids the only relations; return how many there are.

    What ``manage.py replacerelations`` loads (say, from a tool that finds
    backports). Ids of missing patches are ignored, a patch named in several
    groups goes to the last one, and a group left with fewer than two
    patches makes no relation. A relation whose members stay
    exactly the same is kept as it is; every patch whose relation changes
    gets a ``patch-relation-changed`` event, and relations left empty are
    deleted.
    """
    # All ids (integers, even for a large archive): no parameter limits.
    existing = set(Patch.objects.values_list("id", flat=True))
    # A patch is in one relation at most: where groups share a patch, the
    # later group gets it (as upstream, which assigns the groups in order).
    taken: set[int] = set()
    disjoint = []
    for line in reversed(groups):
        ids = (set(line) & existing) - taken
        taken |= ids
        disjoint.append(frozenset(ids))
    wanted = [group for group in reversed(disjoint) if len(group) >= 2]
    members: dict[int, set[int]] = {}
    for patch_id, relation_id in Patch.objects.filter(
        related__isnull=False
    ).values_list("id", "related_id"):
        members.setdefault(relation_id, set()).add(patch_id)
    kept = {frozenset(ids): relation_id for relation_id, ids in members.items()}
    target: dict[int, PatchRelation | None] = {}
    for group in wanted:
        if group in kept:
            continue
        relation = PatchRelation.objects.create()
        for patch_id in group:
            target[patch_id] = relation
    wanted_sets = set(wanted)
    for ids in members.values():
        if frozenset(ids) not in wanted_sets:
            for patch_id in ids:
                target.setdefault(patch_id, None)
    patch_ids = sorted(target)
    for start in range(0, len(patch_ids), 500):
        chunk = patch_ids[start : start + 500]
        moved = Patch.objects.filter(pk__in=chunk)
        for patch in moved.only("id", "project_id", "related_id"):
            _move([patch], target[patch.pk], actor)
    PatchRelation.objects.filter(patches__isnull=True).delete()
    return len(wanted)
