"""``manage.py linkversions [--project LINKNAME]``: link stored series' versions."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.patches.services.version_backfill import series_link_all
from apps.projects.selectors import project_by_linkname


class Command(BaseCommand):
    help = (
        "Link each stored series to its previous version (same sender and "
        "name, b4 change-id, or a reply to the earlier version), as ingest "
        "does for new mail. Links a maintainer set are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--project", metavar="LINKNAME", help="only this project (default: all)"
        )

    def handle(self, *args: Any, project: str | None, verbosity: int, **options: Any):
        found = None
        if project is not None:
            found = project_by_linkname(project)
            if found is None:
                raise CommandError(f"No project with link name {project!r}")
        show = verbosity > 0

        def progress(done: int, total: int) -> None:
            if show:
                self.stdout.write(f"{done} of {total} steps", ending="\r")
                self.stdout.flush()

        changed = series_link_all(project=found, progress=progress)
        if show:
            self.stdout.write(f"\n{changed} links changed")
