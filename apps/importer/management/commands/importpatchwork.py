"""``manage.py importpatchwork``: move in from a running Patchwork instance.

Reads its database (every id kept), or with ``--from-api`` mirrors one
project over its REST API.
"""

import os
import zoneinfo
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.importer.api_client import VERSIONS, ApiClient, MirrorFailed
from apps.importer.database_import import patchwork_import
from apps.importer.exceptions import ImportFailed, ImportRefused
from apps.importer.mirror import patchwork_mirror
from apps.importer.progress import LineProgress, QuietProgress
from apps.importer.report import format_counts
from apps.importer.schema import UnsupportedSource
from apps.importer.source import SourceUnavailable, connect

# Upstream's default TIME_ZONE setting.
UPSTREAM_TIME_ZONE = "Australia/Canberra"


class Command(BaseCommand):
    help = (
        "Import an upstream Patchwork database (postgres://... or mysql://...) "
        "into this freshly migrated, empty database, keeping every id; or, "
        "with --from-api URL --project LINKNAME, mirror one project of an "
        "instance over its REST API (run again to fetch what is new)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source_url",
            nargs="?",
            metavar="SOURCE_DATABASE_URL",
            help="the Patchwork database, e.g. postgres://user:pass@host/patchwork "
            "or mysql://user:pass@host/patchwork (default: $PATCHWORK_DATABASE_URL, "
            "which keeps the password off the command line)",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="go on with an import that was interrupted",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="recognise the source and count its rows; write nothing",
        )
        parser.add_argument(
            "--source-time-zone",
            default=UPSTREAM_TIME_ZONE,
            help="the TIME_ZONE setting of the Patchwork instance (PostgreSQL "
            f"sources only; default: upstream's default, {UPSTREAM_TIME_ZONE})",
        )
        api = parser.add_argument_group("mirroring over the REST API")
        api.add_argument("--from-api", metavar="URL", help="the instance's web address")
        api.add_argument("--project", metavar="LINKNAME", help="the project to mirror")
        api.add_argument(
            "--rate",
            type=float,
            default=2.0,
            help="requests per second at most (default: 2)",
        )
        api.add_argument(
            "--api-version",
            choices=VERSIONS,
            help="REST API version to use (default: the newest the server has)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="rows per page read and transaction written (mails: a quarter)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_api"]:
            self._mirror(options)
            return
        url = options["source_url"] or os.environ.get("PATCHWORK_DATABASE_URL", "")
        if not url:
            raise CommandError(
                "name the source database (or set PATCHWORK_DATABASE_URL)"
            )
        try:
            zoneinfo.ZoneInfo(options["source_time_zone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                f"unknown time zone {options['source_time_zone']!r}"
            ) from None
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            source = connect(url, time_zone=options["source_time_zone"])
        except SourceUnavailable as exc:
            raise CommandError(str(exc)) from exc
        stderr = cast(TextIO, self.stderr._out)
        progress = LineProgress(stderr) if options["verbosity"] else QuietProgress()
        try:
            result = patchwork_import(
                source=source,
                progress=progress,
                resume=options["resume"],
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
            )
        except (
            UnsupportedSource,
            ImportRefused,
            ImportFailed,
            SourceUnavailable,
        ) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            source.close()
        self._report(result, dry_run=options["dry_run"])

    def _mirror(self, options: dict[str, Any]) -> None:
        if options["source_url"]:
            raise CommandError("give either SOURCE_DATABASE_URL or --from-api")
        if not options["project"]:
            raise CommandError("--from-api needs --project LINKNAME")
        if not options["rate"] > 0:
            raise CommandError("--rate must be above 0")
        try:
            client = ApiClient(options["from_api"], rate=options["rate"])
            result = patchwork_mirror(
                client=client,
                linkname=options["project"],
                version=options["api_version"],
                log=self._log if options["verbosity"] else lambda message: None,
            )
        except MirrorFailed as exc:
            raise CommandError(str(exc)) from exc
        created = ", ".join(
            f"{count} {kind}" for kind, count in sorted(result.created.items())
        )
        updated = ", ".join(
            f"{count} {kind}" for kind, count in sorted(result.updated.items())
        )
        self.stdout.write(f"created: {created or 'nothing'}")
        self.stdout.write(f"read again: {updated or 'nothing'}")
        self.stdout.write(f"{result.requests} requests (REST API {result.version})")

    def _log(self, message: str) -> None:
        self.stderr.write(message)

    def _report(self, result: Any, *, dry_run: bool) -> None:
        self.stdout.write(f"source schema: patchwork {result.schema.migration}")
        self.stdout.write(format_counts(result.counts))
        if dry_run:
            self.stdout.write("dry run: nothing was written")
            return
        rate = result.rows / max(result.seconds, 1e-6)
        self.stdout.write(
            f"{result.rows:,} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s)"
        )
        if not result.matches:
            raise CommandError("row counts of the source and the target differ")
