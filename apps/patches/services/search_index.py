"""Keep what ``file:`` and ``diff:`` search for in step with patches' diffs.

Full text needs nothing here: the database derives it from the rows (an
expression index on PostgreSQL, triggers on SQLite; see
``apps.patches.search.fulltext``).
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.patches.models import Patch, PatchDiffText, PatchFile
from apps.patches.search.diffs import changed_lines, changed_paths


def patch_index_diff(*, patch_id: int, diff: str | None) -> None:
    """Store the paths and the changed lines of a new patch's diff."""
    _index_diffs([(patch_id, diff)])


def search_index_fill(*, batch: int = 500) -> int:
    """Index the diffs of patches stored without it (imports); return how many.

    Patches are read and indexed ``batch`` at a time, each batch in one
    transaction and a fixed number of queries, so an import of any size
    costs about three queries per ``batch`` patches.
    """
    unindexed = (
        Patch.objects.filter(diff__isnull=False)
        .exclude(Exists(PatchDiffText.objects.filter(patch_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "diff")
    )
    count = last = 0
    while True:
        # Keyset paging: no cursor stays open across the writes.
        chunk = list(unindexed.filter(pk__gt=last)[:batch])
        if chunk:
            with transaction.atomic():
                _index_diffs(chunk)
            count += len(chunk)
            last = chunk[-1][0]
        if len(chunk) < batch:
            return count


def _index_diffs(pairs: Sequence[tuple[int, str | None]]) -> None:
    """Store the paths and changed lines of these (patch id, diff) pairs.

    A patch without a diff (a pull request) has nothing to index.
    """
    diffs = [(patch_id, diff) for patch_id, diff in pairs if diff is not None]
    PatchFile.objects.bulk_create(
        PatchFile(patch_id=patch_id, path=path)
        for patch_id, diff in diffs
        for path in changed_paths(diff)
    )
    PatchDiffText.objects.bulk_create(
        PatchDiffText(patch_id=patch_id, lines=changed_lines(diff))
        for patch_id, diff in diffs
    )
