"""``manage.py replacerelations FILE``: load patch relations from a file.

Each line holds the space-separated ids of patches that are the same change
(for example, a fix and its backports); those become the only relations.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.patches.services.relations import relations_replace


class Command(BaseCommand):
    help = (
        "Replace all patch relations by those in FILE: one relation per line "
        "of space-separated patch ids (ids of missing patches are skipped)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("infile", metavar="FILE")

    def handle(self, *args: Any, infile: str, verbosity: int, **options: Any) -> None:
        try:
            lines = Path(infile).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"Cannot read {infile}: {exc.strerror}") from exc
        groups = []
        for number, line in enumerate(lines, start=1):
            try:
                groups.append([int(token) for token in line.split()])
            except ValueError:
                raise CommandError(
                    f"{infile}:{number}: not a list of patch ids: {line!r}"
                ) from None
        count = relations_replace(groups=groups)
        if verbosity > 0:
            self.stdout.write(f"{count} relations")
