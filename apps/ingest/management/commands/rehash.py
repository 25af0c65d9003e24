"""``manage.py rehash [PATCH_ID...]``: recompute patch hashes from their diffs."""

from typing import Any

from apps.ingest.maintenance import patches_rehash
from apps.patches.management.batch import PatchBatchCommand


class Command(PatchBatchCommand):
    help = (
        "Recompute the hash of every patch, or of the patches given, from its "
        "diff (after the hashing rules changed, or to repair imported data)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.run(patches_rehash, **options)
