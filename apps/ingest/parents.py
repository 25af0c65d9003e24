"""The stored patch or cover letter a reply belongs to (upstream's search).

References are walked nearest first, patches before cover letters: the first
reference that is a patch of the project, or a comment on one, gives the
patch; only when none does are cover letters searched the same way (so a
reply to a v2 cover mentioning a v1 patch lands on that patch, as upstream).
"""

from dataclasses import dataclass
from itertools import takewhile

from apps.patches import fixed_sql
from apps.patches.models import Cover, CoverComment, Patch, PatchComment

_FIELDS = ("id", "msgid", "project_id")


@dataclass(frozen=True)
class Parent:
    """A reply's parent and the reference it was found through."""

    obj: Patch | Cover
    ref: str


@dataclass(frozen=True)
class _Kind:
    """A kind of parent and the comments made on it."""

    model: type[Patch] | type[Cover]
    comment_model: type[PatchComment] | type[CoverComment]
    parent_column: str


_PATCHES = _Kind(Patch, PatchComment, "patch_id")
_COVERS = _Kind(Cover, CoverComment, "cover_id")


def reply_parent(project_id: int, refs: list[str]) -> Parent | None:
    """Return the parent ``refs`` (nearest first, no repeats) lead to, if any."""
    return _nearest(project_id, refs, _PATCHES) or _nearest(project_id, refs, _COVERS)


def first_unknown(project_id: int, refs: list[str]) -> str | None:
    """Return the first of ``refs`` stored as no patch, cover or comment here."""
    known = _known(project_id, refs, _PATCHES) | _known(project_id, refs, _COVERS)
    return next((ref for ref in refs if ref not in known), None)


def _nearest(project_id: int, refs: list[str], kind: _Kind) -> Parent | None:
    """Walk ``refs`` nearest first: a parent with that id, or a comment on one."""
    known = _known(project_id, refs, kind, nearest_only=True)
    ref = next((ref for ref in refs if ref in known), None)
    return None if ref is None else Parent(known[ref], ref)


def _known(
    project_id: int, refs: list[str], kind: _Kind, *, nearest_only: bool = False
) -> dict[str, Patch | Cover]:
    """Return {reference: parent} for ``refs`` stored as a parent or comment.

    ``nearest_only`` leaves out the references beyond the nearest parent
    found by its own Message-Id, since a walk stops there: a direct reply
    (the common case) then takes one query. Every lookup goes through a
    Message-Id or primary key index, so the cost does not grow with the
    database.
    """
    parents = fixed_sql.by_msgids(
        kind.model, project_id=project_id, msgids=refs, columns=_FIELDS
    )
    if nearest_only:
        unmatched = list(takewhile(lambda ref: ref not in parents, refs))
    else:
        unmatched = [ref for ref in refs if ref not in parents]
    # Comments by Message-Id, oldest first: when an id repeats, the latest
    # comment on a parent of this project wins, as upstream.
    rows = fixed_sql.comment_parents(
        kind.comment_model, parent_column=kind.parent_column, msgids=unmatched
    )
    by_id: dict[int, Patch | Cover] = {p.pk: p for p in parents.values()}
    wanted = {parent_id for _, parent_id in rows} - set(by_id)
    if wanted:
        by_id.update(
            (p.pk, p)
            for p in kind.model.objects.filter(
                project_id=project_id, pk__in=wanted
            ).only(*_FIELDS)
        )
    via_comment = {msgid: by_id[pid] for msgid, pid in rows if pid in by_id}
    return parents | via_comment
