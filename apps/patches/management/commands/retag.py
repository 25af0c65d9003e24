"""``manage.py retag [PATCH_ID...]``: recount review tags after tags changed."""

from typing import Any

from apps.patches.management.batch import PatchBatchCommand
from apps.patches.services.tags import patches_retag


class Command(PatchBatchCommand):
    help = (
        "Recount the tags (Acked-by, Reviewed-by, ...) of every patch, or of "
        "the patches given, from their content and comments."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.run(patches_retag, **options)
