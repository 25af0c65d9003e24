"""The stored patch or cover letter a reply belongs to (upstream's search).

References are walked nearest first, patches before cover letters: the first
reference that is a patch of the project, or a comment on one, gives the
patch; only when none does are cover letters searched the same way (so a
reply to a v2 cover mentioning a v1 patch lands on that patch, as upstream).
"""

from dataclasses import dataclass

from apps.patches import fixed_sql
from apps.patches.models import Cover, CoverComment, Patch, PatchComment

_FIELDS = ("id", "msgid", "project_id")


@dataclass(frozen=True)
class Parent:
    """A reply's parent and the reference it was found through."""

    obj: Patch | Cover
    ref: str


def reply_parent(project_id: int, refs: list[str]) -> Parent | None:
    """Return the parent ``refs`` (nearest first, no repeats) lead to, if any."""
    return _nearest(project_id, refs, Patch, PatchComment, "patch") or _nearest(
        project_id, refs, Cover, CoverComment, "cover"
    )


def first_unknown(project_id: int, refs: list[str]) -> str | None:
    """Return the first of ``refs`` stored as no patch, cover or comment here."""
    known = set()
    for parent_model, comment_model, field in (
        (Patch, PatchComment, "patch"),
        (Cover, CoverComment, "cover"),
    ):
        known.update(
            fixed_sql.by_msgids(
                parent_model, project_id=project_id, msgids=refs, columns=_FIELDS
            )
        )
        parents = {
            parent_id: msgid
            for msgid, parent_id in fixed_sql.comment_parents(
                comment_model, parent_column=f"{field}_id", msgids=refs
            )
        }
        known.update(
            parents[pk]
            for pk in parent_model.objects.filter(
                project_id=project_id, pk__in=parents
            ).values_list("pk", flat=True)
        )
    return next((ref for ref in refs if ref not in known), None)


def _nearest[P: (Patch, Cover)](
    project_id: int,
    refs: list[str],
    parent_model: type[P],
    comment_model: type[PatchComment] | type[CoverComment],
    parent_field: str,
) -> Parent | None:
    """Walk ``refs`` nearest first: a parent with that id, or a comment on one.

    Every lookup goes through a Message-Id or primary key index, so the
    cost does not grow with the database. A direct reply (the common case)
    takes one query.
    """
    parents = fixed_sql.by_msgids(
        parent_model, project_id=project_id, msgids=refs, columns=_FIELDS
    )
    if refs[0] in parents:
        return Parent(parents[refs[0]], refs[0])
    # Comments by Message-Id, oldest first: when an id repeats, the latest
    # comment on a parent of this project wins, as upstream.
    rows = fixed_sql.comment_parents(
        comment_model, parent_column=f"{parent_field}_id", msgids=refs
    )
    by_id = {p.pk: p for p in parents.values()}
    wanted = {parent_id for _, parent_id in rows} - set(by_id)
    if wanted:
        by_id.update(
            (p.pk, p)
            for p in parent_model.objects.filter(
                project_id=project_id, pk__in=wanted
            ).only(*_FIELDS)
        )
    via_comment = {msgid: by_id[pid] for msgid, pid in rows if pid in by_id}
    for ref in refs:
        if ref in parents:
            return Parent(parents[ref], ref)
        if ref in via_comment:
            return Parent(via_comment[ref], ref)
    return None
