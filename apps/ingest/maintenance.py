"""Rework of stored patches with the parser's rules (``manage.py rehash``)."""

from collections.abc import Callable, Sequence

from apps.ingest.parsing.hashing import hash_diff
from apps.patches.models import Patch


def patches_rehash(
    *,
    patch_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 500,
) -> int:
    """Recompute the hash of patches (all, or ``patch_ids``); return how many changed.

    Ingest's hash of the diff; a patch without a diff has none. Only rows
    whose hash differs are written.
    """
    patches = Patch.objects.all()
    if patch_ids is not None:
        patches = patches.filter(pk__in=patch_ids)
    ids = list(patches.order_by("id").values_list("id", flat=True))
    changed = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        stale = []
        rows = Patch.objects.filter(pk__in=chunk).values_list("id", "diff", "hash")
        for patch_id, diff, stored in rows:
            fresh = hash_diff(diff) if diff else None
            if fresh != stored:
                stale.append(Patch(pk=patch_id, hash=fresh))
        Patch.objects.bulk_update(stale, ["hash"])
        changed += len(stale)
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    return changed
