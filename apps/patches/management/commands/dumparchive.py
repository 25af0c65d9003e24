"""``manage.py dumparchive [-c] [LISTID...]``: every project's patches as mboxes.

Writes ``patchwork_dump_<time>.tar`` (``.tar.gz`` with ``-c``) in the current
folder, holding ``<linkname>.mbox`` per project. Upstream compresses the
``.tar`` too; here the name tells the truth.
"""

import datetime as dt
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.patches.export import project_mbox_write
from apps.projects.models import Project


class Command(BaseCommand):
    help = "Write the patches of every project (or of the lists given) as mboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "list_ids", nargs="*", metavar="LISTID", help="only these lists' projects"
        )
        parser.add_argument(
            "-c", "--compress", action="store_true", help="gzip the archive"
        )

    def handle(
        self, *args: Any, list_ids: list[str], compress: bool, **options: Any
    ) -> None:
        projects = self._projects(list_ids)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y_%m_%d_%H%M%S")
        path = Path(f"patchwork_dump_{stamp}.tar" + (".gz" if compress else ""))
        with (
            tarfile.open(path, "w:gz" if compress else "w") as archive,
            tempfile.TemporaryDirectory() as scratch,
        ):
            for project in projects:
                mbox = Path(scratch) / f"{project.linkname}.mbox"
                with mbox.open("w", encoding="utf-8", newline="\n") as out:
                    count = project_mbox_write(project, out)
                archive.add(mbox, arcname=mbox.name)
                if options["verbosity"] > 1:
                    self.stdout.write(f"{project.linkname}: {count} patches")
        if options["verbosity"] > 0:
            self.stdout.write(str(path))

    def _projects(self, list_ids: list[str]) -> list[Project]:
        if not list_ids:
            return list(Project.objects.order_by("linkname"))
        projects = []
        for list_id in list_ids:
            project = Project.objects.filter(listid=list_id).first()
            if project is None:
                raise CommandError(f"Couldn't find project with list ID {list_id!r}")
            projects.append(project)
        return projects
