"""Keep what ``file:`` and ``diff:`` search for in step with patches' diffs.

Full text needs nothing here: the database derives it from the rows (an
expression index on PostgreSQL, triggers on SQLite; see
``apps.patches.search.fulltext``).
"""

from apps.patches.models import Patch, PatchDiffText, PatchFile
from apps.patches.search.diffs import changed_lines, changed_paths


def patch_index_diff(*, patch_id: int, diff: str | None) -> None:
    """Store the paths and the changed lines of a new patch's diff."""
    if diff is None:
        return
    PatchFile.objects.bulk_create(
        PatchFile(patch_id=patch_id, path=path) for path in changed_paths(diff)
    )
    PatchDiffText.objects.create(patch_id=patch_id, lines=changed_lines(diff))


def search_index_fill(*, batch: int = 500) -> int:
    """Index the diffs of patches stored without it (imports); return how many."""
    missing = Patch.objects.filter(diff__isnull=False).exclude(
        pk__in=PatchDiffText.objects.values("patch_id")
    )
    count = 0
    for patch_id, diff in missing.values_list("pk", "diff").iterator(chunk_size=batch):
        patch_index_diff(patch_id=patch_id, diff=diff)
        count += 1
    return count
