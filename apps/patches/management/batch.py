"""What the commands that rework stored patches share: ids and progress."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class PatchBatchCommand(BaseCommand):
    """A command run over every patch, or over the patches whose ids are given.

    Upstream's ``rehash`` and ``retag`` document patch ids but reject them;
    here they work.
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "patch_ids",
            nargs="*",
            type=int,
            metavar="PATCH_ID",
            help="only these patches (default: all)",
        )

    def run(self, work, *, patch_ids: list[int], verbosity: int, **options: Any):
        """Call ``work(patch_ids=..., progress=...)``, showing progress, then 'done'."""
        show = verbosity > 0

        def progress(done: int, total: int) -> None:
            if show:
                self.stdout.write(f"{done} of {total} patches", ending="\r")
                self.stdout.flush()

        result = work(patch_ids=patch_ids or None, progress=progress)
        if show:
            self.stdout.write("\ndone")
        return result
